//! `eksform render -f FILE --format cloudformation`: prints the config as a template. No AWS
//! calls: the config is loaded as `validate` loads it and the renderer does the rest.

use super::RenderFormat;
use super::output::print_warnings;
use eksform_aws::ops;
use eksform_core::render;
use std::path::Path;

pub fn run(file: &Path, format: RenderFormat) -> anyhow::Result<i32> {
    let loaded = ops::validate(file)?;
    print_warnings(&loaded.warnings);
    if let Some(stack) = &loaded.spec.vpc.from_stack {
        // The subnets and their zones live in the other stack's outputs, which render (no AWS
        // calls) cannot read; a template with a made-up network would be wrong.
        anyhow::bail!(
            "{}: vpc.fromStack \"{}\": render makes no AWS calls and cannot read the stack's outputs\n  hint: use `eksform plan -f {} --engine cloudformation`, which reads them and shows the change set",
            file.display(),
            stack.name,
            file.display()
        );
    }
    match format {
        RenderFormat::Cloudformation => {
            print!("{}", render::cloudformation::render_spec(&loaded.spec));
        }
    }
    Ok(0)
}
