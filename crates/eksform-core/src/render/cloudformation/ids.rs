//! Logical ids: eksform addresses turned into the CamelCase alphanumeric names CloudFormation
//! requires. Pure; it decides names only, never what a resource contains.
//!
//! An id is the address's words capitalised and joined (`subnet.public-us-east-1a` →
//! `SubnetPublicUsEast1a`). Ids that would be long (security-group-rule addresses spell out a
//! CIDR) or that two addresses would share get a suffix from a digest of the address, so the
//! same address always gets the same id.

use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};

/// Longest id kept whole; longer ones are cut and suffixed (CloudFormation allows 255, but
/// people read these in consoles and change sets).
const MAX_PLAIN: usize = 64;

/// The words of an address, capitalised and joined, non-alphanumerics dropped.
pub fn camel(address: &str) -> String {
    address
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            let first = chars.next().map(|c| c.to_ascii_uppercase());
            first.into_iter().chain(chars).collect::<String>()
        })
        .collect()
}

fn digest(address: &str) -> String {
    let d = Sha256::digest(address.as_bytes());
    d.iter()
        .take(4)
        .map(|b| format!("{b:02x}"))
        .collect::<String>()
        .to_uppercase()
}

fn suffixed(address: &str) -> String {
    let mut base = camel(address);
    base.truncate(MAX_PLAIN - 9);
    format!("{base}H{}", digest(address))
}

/// The logical id of every address, unique across the set.
pub fn assign<'a>(addresses: impl IntoIterator<Item = &'a str>) -> BTreeMap<String, String> {
    let addresses: Vec<&str> = addresses.into_iter().collect();
    let mut count: HashMap<String, usize> = HashMap::new();
    for a in &addresses {
        *count.entry(camel(a)).or_default() += 1;
    }
    addresses
        .into_iter()
        .map(|a| {
            let plain = camel(a);
            let id = if plain.len() > MAX_PLAIN || count[&plain] > 1 {
                suffixed(a)
            } else {
                plain
            };
            (a.to_string(), id)
        })
        .collect()
}
