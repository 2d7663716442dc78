//! Subnets the config names by id, checked at plan time against what the account says of them:
//! in `vpc.id`'s VPC and in the zone the config files them under. Read with the external
//! resources anyway; reported as config errors at the subnet id's `FILE:LINE:COL`, before any
//! change is made.

use eksform_core::config::{self, ClusterSpec, Diagnostic, Diagnostics, Severity};
use eksform_core::live::{ExternalStatus, LiveState};

/// Every subnet given by id that is in another VPC or zone than the config says.
pub fn check(spec: &ClusterSpec, live: &LiveState, config: &[u8]) -> Result<(), Diagnostics> {
    let file = spec.source.display().to_string();
    let tiers = [("public", &spec.vpc.public), ("private", &spec.vpc.private)];
    let mut problems = Vec::new();
    for (tier, subnets) in tiers {
        for s in subnets.iter() {
            let Some(id) = &s.existing_id else { continue };
            // Only a subnet's lookup reports a place, so an id the config also names as
            // something else (a VPC id put under subnets) is not taken for a subnet.
            let Some((vpc, zone)) = live
                .external
                .iter()
                .filter(|e| &e.id == id)
                .find_map(ExternalStatus::place)
            else {
                continue;
            };
            let path = format!("vpc.subnets.{tier}.{}.id", s.az);
            let mut wrong = |message: String, hint: &str| {
                let (line, col) = config::locate(config, &path).unwrap_or((1, 1));
                problems.push(Diagnostic {
                    file: file.clone(),
                    line,
                    col,
                    severity: Severity::Error,
                    message,
                    path: path.clone(),
                    hint: Some(hint.to_string()),
                });
            };
            if let Some(want) = spec.vpc.existing_id.as_deref().filter(|w| *w != vpc) {
                wrong(
                    format!("{path}: subnet {id} is in {vpc}, not in vpc.id {want}"),
                    "name a subnet of vpc.id, or the VPC this subnet is in",
                );
            }
            if zone != s.az {
                wrong(
                    format!("{path}: subnet {id} is in {zone}, not in {}", s.az),
                    "file the subnet under its own zone",
                );
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Diagnostics(problems))
    }
}
