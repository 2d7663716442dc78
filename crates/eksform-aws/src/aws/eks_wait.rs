//! Waiting for an EKS cluster or managed nodegroup to be ACTIVE or gone, by polling its
//! Describe call (half a second at first, doubling to 15 s). The SDK's own waiters first poll
//! again after 30 s and then up to every 2 min, which adds up to two minutes to every create
//! and delete on AWS and half a minute to every wait against a local endpoint. A failed state
//! ends the wait with the state in the message; the last state seen is the change's progress.
//! A Describe that fails transiently (after the SDK's retries) is a poll that saw nothing yet:
//! the wait polls again within its time budget (`support::poll`).
//! It must not create, change or delete anything.

use super::AwsError;
use super::status::set_status;
use super::support::{self, not_found_ok};
use aws_sdk_eks::Client;
use std::time::Duration;

const SERVICE: &str = "EKS";

/// What is waited for, and how it is named in messages.
pub enum Target<'a> {
    Cluster { name: &'a str },
    Nodegroup { cluster: &'a str, name: &'a str },
}

impl Target<'_> {
    fn operation(&self) -> &'static str {
        match self {
            Target::Cluster { .. } => "DescribeCluster",
            Target::Nodegroup { .. } => "DescribeNodegroup",
        }
    }

    fn what(&self) -> String {
        match self {
            Target::Cluster { name } => format!("cluster {name:?}"),
            Target::Nodegroup { name, .. } => format!("nodegroup {name:?}"),
        }
    }

    /// The status EKS reports, `None` when there is no such cluster or nodegroup.
    async fn status(&self, client: &Client) -> Result<Option<String>, AwsError> {
        let op = self.operation();
        let found = match self {
            Target::Cluster { name } => {
                let out = client.describe_cluster().name(*name).send().await;
                not_found_ok(out.map_err(|e| AwsError::from_sdk(SERVICE, op, e)))?
                    .and_then(|o| o.cluster?.status.map(|s| s.as_str().to_string()))
            }
            Target::Nodegroup { cluster, name } => {
                let out = client
                    .describe_nodegroup()
                    .cluster_name(*cluster)
                    .nodegroup_name(*name)
                    .send()
                    .await;
                not_found_ok(out.map_err(|e| AwsError::from_sdk(SERVICE, op, e)))?
                    .and_then(|o| o.nodegroup?.status.map(|s| s.as_str().to_string()))
            }
        };
        Ok(found)
    }
}

/// Until the cluster or nodegroup is ACTIVE. Gone, FAILED, DELETING or DEGRADED end the wait.
pub async fn active(client: &Client, t: &Target<'_>, limit: Duration) -> Result<(), AwsError> {
    let what = format!("{} to be ACTIVE", t.what());
    support::poll(SERVICE, t.operation(), &what, limit, || async {
        let status = t.status(client).await?;
        match status.as_deref() {
            Some("ACTIVE") => Ok(Some(())),
            Some(s @ ("CREATING" | "UPDATING" | "PENDING")) => {
                set_status(format!("{} is {s}", t.what()));
                Ok(None)
            }
            other => Err(ended(t, other.unwrap_or("gone"), "ACTIVE")),
        }
    })
    .await
}

/// Until the cluster or nodegroup is gone. Any state but DELETING on the way ends the wait.
pub async fn gone(client: &Client, t: &Target<'_>, limit: Duration) -> Result<(), AwsError> {
    let what = format!("{} to be deleted", t.what());
    support::poll(SERVICE, t.operation(), &what, limit, || async {
        match t.status(client).await?.as_deref() {
            None => Ok(Some(())),
            Some("DELETING") => {
                set_status(format!("{} is DELETING", t.what()));
                Ok(None)
            }
            Some(other) => Err(ended(t, other, "deleted")),
        }
    })
    .await
}

fn ended(t: &Target<'_>, status: &str, wanted: &str) -> AwsError {
    let mut e = AwsError::local(
        SERVICE,
        t.operation(),
        "WaiterFailureState",
        format!(
            "{} is {status} while waiting for it to be {wanted}",
            t.what()
        ),
    );
    e.hint = Some(
        "its health issues in the EKS console (or describe-cluster / describe-nodegroup) say \
         why; fix the cause and run apply again"
            .to_string(),
    );
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_state_names_the_nodegroup_and_both_states() {
        let t = Target::Nodegroup {
            cluster: "demo",
            name: "batch",
        };
        let e = ended(&t, "CREATE_FAILED", "ACTIVE");
        assert_eq!(e.code, "WaiterFailureState");
        assert_eq!(
            e.message,
            "nodegroup \"batch\" is CREATE_FAILED while waiting for it to be ACTIVE"
        );
    }
}
