//! `eksform validate -f FILE`

use super::output::print_warnings;
use eksform_aws::ops;
use std::path::Path;

pub fn run(file: &Path) -> anyhow::Result<i32> {
    let loaded = ops::validate(file)?;
    print_warnings(&loaded.warnings);
    let spec = &loaded.spec;
    println!(
        "{}: valid: cluster \"{}\", {} self-managed and {} managed node group(s), {} load balancer(s)",
        file.display(),
        spec.name,
        spec.node_groups.len(),
        spec.managed_node_groups.len(),
        spec.load_balancers.len()
    );
    Ok(0)
}
