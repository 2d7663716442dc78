//! Waiting for an EKS nodegroup update (the rolling replacement UpdateNodegroupVersion starts):
//! DescribeUpdate until Successful, reporting its status as the change's progress; Failed or
//! Cancelled is an error carrying the update's own errors; and finding the version update an
//! interrupted apply left running, so the next one waits for it. It must not start updates; the
//! nodegroup module does.

use super::AwsError;
use super::status::set_status;
use super::support;
use super::timeouts::{self, Op};
use aws_sdk_eks::Client;
use aws_sdk_eks::types::{ErrorDetail, Update as EksUpdate, UpdateStatus, UpdateType};
use eksform_core::model::Kind;

const SERVICE: &str = "EKS";

/// The update being waited for, for requests and messages.
pub struct Update<'a> {
    pub address: &'a str,
    pub cluster: &'a str,
    pub nodegroup: &'a str,
    pub id: &'a str,
}

pub async fn wait(client: &Client, u: &Update<'_>) -> Result<(), AwsError> {
    let limit = support::budget(timeouts::default(Kind::Nodegroup, Op::Update));
    let what = format!("{}: nodegroup update {} to finish", u.address, u.id);
    support::poll(SERVICE, "DescribeUpdate", &what, limit, || async {
        let out = client
            .describe_update()
            .name(u.cluster)
            .nodegroup_name(u.nodegroup)
            .update_id(u.id)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(SERVICE, "DescribeUpdate", e))?;
        let Some(update) = out.update else {
            return Ok(None);
        };
        match update.status() {
            Some(UpdateStatus::Successful) => Ok(Some(())),
            Some(s @ (UpdateStatus::Failed | UpdateStatus::Cancelled)) => {
                Err(update_failed(u, s.as_str(), update.errors()))
            }
            other => {
                let status = other.map_or("Pending", |s| s.as_str());
                set_status(format!("nodegroup update {} is {status}", u.id));
                Ok(None)
            }
        }
    })
    .await
}

/// The id of the nodegroup's version update still in progress, if there is one.
pub async fn running(
    client: &Client,
    cluster: &str,
    nodegroup: &str,
) -> Result<Option<String>, AwsError> {
    let found = updates(client, cluster, nodegroup).await?;
    Ok(found
        .into_iter()
        .filter(|u| u.r#type() == Some(&UpdateType::VersionUpdate))
        .find(|u| u.status() == Some(&UpdateStatus::InProgress))
        .and_then(|u| u.id))
}

/// How a version update ended: its status (Failed, Cancelled) and its errors, when any.
pub type Ended = (String, Option<String>);

/// How the nodegroup's latest version update ended, when it did not succeed: its status
/// (Failed, Cancelled) and its errors. `None` when the latest succeeded, is running, or there is
/// none. Reads every update's record (EKS lists them in no documented order).
pub async fn last_unsuccessful(
    client: &Client,
    cluster: &str,
    nodegroup: &str,
) -> Result<Option<Ended>, AwsError> {
    let mut latest: Option<EksUpdate> = None;
    for u in updates(client, cluster, nodegroup).await? {
        if u.r#type() != Some(&UpdateType::VersionUpdate) {
            continue;
        }
        if latest
            .as_ref()
            .is_none_or(|l| u.created_at().map(|t| t.secs()) > l.created_at().map(|t| t.secs()))
        {
            latest = Some(u);
        }
    }
    Ok(latest.and_then(|u| {
        let status = u.status()?;
        matches!(status, UpdateStatus::Failed | UpdateStatus::Cancelled)
            .then(|| (status.as_str().to_string(), reasons(u.errors())))
    }))
}

/// Every update of the nodegroup, in the order EKS lists them: ListUpdates, then DescribeUpdate
/// for each id (an id EKS no longer describes is left out).
async fn updates(
    client: &Client,
    cluster: &str,
    nodegroup: &str,
) -> Result<Vec<EksUpdate>, AwsError> {
    let ids: Vec<String> = client
        .list_updates()
        .name(cluster)
        .nodegroup_name(nodegroup)
        .max_results(100)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| AwsError::from_sdk(SERVICE, "ListUpdates", e))?;
    let mut found = Vec::with_capacity(ids.len());
    for id in ids {
        let update = client
            .describe_update()
            .name(cluster)
            .nodegroup_name(nodegroup)
            .update_id(&id)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(SERVICE, "DescribeUpdate", e))?
            .update;
        found.extend(update);
    }
    Ok(found)
}

/// An update's errors as "code: message" joined by "; ", or `None` when it gave none.
fn reasons(errors: &[ErrorDetail]) -> Option<String> {
    let all: Vec<String> = errors
        .iter()
        .map(|e| {
            let code = e.error_code().map_or("Unknown", |c| c.as_str());
            format!("{code}: {}", e.error_message().unwrap_or_default())
        })
        .collect();
    (!all.is_empty()).then(|| all.join("; "))
}

fn update_failed(u: &Update<'_>, status: &str, errors: &[ErrorDetail]) -> AwsError {
    let why = reasons(errors).unwrap_or_else(|| "no reason given".to_string());
    AwsError::local(
        SERVICE,
        "DescribeUpdate",
        "NodegroupUpdateFailed",
        format!(
            "{}: update {} of nodegroup {:?} ended {status}: {why}",
            u.address, u.id, u.nodegroup
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_eks::types::NodegroupIssueCode;

    #[test]
    fn a_failed_update_carries_its_errors() {
        let u = Update {
            address: "nodegroup.batch",
            cluster: "demo",
            nodegroup: "batch",
            id: "u-1",
        };
        let errors = [ErrorDetail::builder()
            .error_code(
                NodegroupIssueCode::AsgInstanceLaunchFailures
                    .as_str()
                    .into(),
            )
            .error_message("no capacity")
            .build()];
        let e = update_failed(&u, "Failed", &errors);
        assert_eq!(e.code, "NodegroupUpdateFailed");
        assert_eq!(
            e.message,
            "nodegroup.batch: update u-1 of nodegroup \"batch\" ended Failed: \
             AsgInstanceLaunchFailures: no capacity"
        );
    }
}
