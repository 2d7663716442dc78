//! What a kind that owns a config section declares about it (`KindSection`): the top-level
//! field naming the section, with its table kind and description, and the section's reader.
//! The sections themselves live in the kinds' folders (`kinds/log_group/config.rs`), which the
//! registry (`kinds::KindSections`) lists; the root table (`root`) and the root reader
//! (`cluster`) take them from there, so a new section adds no line in `config`. A primitive
//! like `read` and `schema`: it must not name any section.

use super::read::Ctx;
use super::schema::Fields;
use super::table::Field;

/// A config section a kind owns: read into the kind's `T`, a field of `kinds::KindSections`.
pub struct KindSection<T> {
    /// The field of the document root (`cloudWatch`): its name, its table kind (an object of
    /// the kind's own table) and its description.
    pub field: Field,
    /// Reads the section from the root's fields, reporting every problem in `cx` and returning
    /// the default when the section is absent or wrong.
    pub read: fn(&mut Ctx, &Fields<'_>) -> T,
}
