//! `cloudWatch.clusterLogging`: the control-plane log types the cluster sends to CloudWatch Logs
//! and the retention of its log group. Owns eksctl's rules on them: `all` and `*` mean every
//! type, each type once, and a retention needs at least one enabled type (without one EKS makes
//! no log group to keep). Must not decide how logging becomes AWS resources.

use super::read::{Ctx, string_list};
use super::schema::{Fields, sub_fields};
use super::spec::LoggingSpec;
use super::table::{CLOUD_WATCH, CLUSTER_LOGGING, LOG_TYPES};

pub fn read_logging(cx: &mut Ctx, top: &Fields) -> LoggingSpec {
    let cloud_watch = sub_fields(cx, top, "cloudWatch", &CLOUD_WATCH);
    let f = sub_fields(cx, &cloud_watch, "clusterLogging", &CLUSTER_LOGGING);
    let mut out = LoggingSpec::default();
    let named = f.read(cx, "enableTypes", string_list).unwrap_or_default();
    let allowed = f.choices("enableTypes");
    let mut every = false;
    for t in &named {
        let Some(known) = allowed.iter().find(|a| **a == t.value) else {
            let msg = format!(
                "{}: \"{}\" is not one of {}",
                t.path,
                t.value,
                allowed.join(", ")
            );
            cx.error(t.pos, &t.path, msg, Some(spelling_hint(&t.value)));
            continue;
        };
        if matches!(*known, "all" | "*") {
            every = true;
        } else if !out.types.iter().any(|x| x == known) {
            out.types.push(known.to_string());
        }
    }
    if every {
        out.types = LOG_TYPES.iter().map(ToString::to_string).collect();
    }
    out.types
        .sort_by_key(|t| LOG_TYPES.iter().position(|k| k == t));
    if let Some(days) = f.one_of(cx, "logRetentionInDays") {
        if out.types.is_empty() {
            let msg = format!(
                "{}: a retention needs at least one log type in enableTypes",
                days.path
            );
            cx.error(
                days.pos,
                &days.path,
                msg,
                Some("add the log types to send, e.g. enableTypes: [audit, authenticator]".into()),
            );
        }
        out.retention_days = Some(days.value);
    }
    out
}

/// A hint for a log type spelled another way (EKS's API spells them in camel case).
fn spelling_hint(value: &str) -> String {
    let close = LOG_TYPES.iter().find(|t| {
        t.eq_ignore_ascii_case(value) || t.eq_ignore_ascii_case(&value.replace(['-', '_'], ""))
    });
    match close {
        Some(t) => format!("write {t}"),
        None => format!("use {} or all", LOG_TYPES.join(", ")),
    }
}
