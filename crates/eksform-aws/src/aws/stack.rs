//! Converging through CloudFormation (`apply --engine cloudformation`): one stack per cluster,
//! changed only through change sets. It prepares a change set for a template (creating the stack
//! or updating it), describes it as a `StackPlan`, executes it, streams the stack's events while
//! CloudFormation works, and reports a failure with the resource that failed and why.
//! Rollback is CloudFormation's own. It must not render templates (see `render`) nor touch any
//! resource directly.

use super::AwsError;
use super::support::{budget, not_found_ok};
use aws_sdk_cloudformation::Client;
use aws_sdk_cloudformation::types::{
    Capability, ChangeSetStatus, ChangeSetType, Parameter, StackEvent, Tag,
};
use eksform_core::live::stack::{StackChange, StackPlan};
use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const SERVICE: &str = "CloudFormation";
/// How often the stack is polled for new events while a change set runs.
const EVENT_POLL: Duration = Duration::from_secs(2);

/// One event of the stack, as shown while a change set runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackEventLine {
    pub logical_id: String,
    pub resource_type: String,
    pub status: String,
    pub reason: Option<String>,
}

pub struct Stacks {
    client: Client,
}

/// The stack states that take a change set: none, or settled.
fn settled(status: &str) -> bool {
    status.ends_with("_COMPLETE") && !status.contains("ROLLBACK_COMPLETE")
        || status == "UPDATE_ROLLBACK_COMPLETE"
}

impl Stacks {
    pub fn new(conf: &aws_config::SdkConfig) -> Stacks {
        Stacks::from_client(super::retry::client!(aws_sdk_cloudformation, conf))
    }

    pub fn from_client(client: Client) -> Stacks {
        Stacks { client }
    }

    /// The stack's status, `None` when there is no such stack.
    pub async fn status(&self, stack: &str) -> Result<Option<String>, AwsError> {
        let out = self
            .client
            .describe_stacks()
            .stack_name(stack)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(SERVICE, "DescribeStacks", e));
        // CloudFormation answers ValidationError "does not exist" for a missing stack.
        let out = match out {
            Err(e) if e.code == "ValidationError" => return Ok(None),
            other => not_found_ok(other)?,
        };
        Ok(out
            .and_then(|o| o.stacks.unwrap_or_default().into_iter().next())
            .and_then(|s| s.stack_status.map(|st| st.as_str().to_string())))
    }

    /// Creates a change set taking the stack to `template` and describes it. An empty change set
    /// is deleted again and returned with no changes.
    pub async fn prepare(
        &self,
        stack: &str,
        template: &str,
        parameters: &BTreeMap<String, String>,
        tags: &BTreeMap<String, String>,
    ) -> Result<StackPlan, AwsError> {
        let kind = match self.status(stack).await? {
            None => ChangeSetType::Create,
            Some(s) if s == "REVIEW_IN_PROGRESS" => ChangeSetType::Create,
            Some(s) if settled(&s) => ChangeSetType::Update,
            Some(s) => return Err(busy(stack, &s)),
        };
        let name = format!("eksform-{}", now_secs());
        let created = self
            .client
            .create_change_set()
            .stack_name(stack)
            .change_set_name(&name)
            .change_set_type(kind.clone())
            .template_body(template)
            .capabilities(Capability::CapabilityNamedIam)
            .set_parameters(Some(sdk_parameters(parameters)))
            .set_tags(Some(sdk_tags(tags)))
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(SERVICE, "CreateChangeSet", e))?;
        let id = created.id.unwrap_or(name);
        let changes = self.described(stack, &id).await?;
        if changes.is_none() {
            self.discard(stack, &id).await?;
        }
        Ok(StackPlan {
            stack: stack.to_string(),
            kind: kind.as_str().to_string(),
            change_set_id: changes.as_ref().map(|_| id),
            changes: changes.unwrap_or_default(),
        })
    }

    /// Waits for the change set to be ready and lists its changes; `None` when CloudFormation
    /// found nothing to change.
    async fn described(&self, stack: &str, id: &str) -> Result<Option<Vec<StackChange>>, AwsError> {
        let deadline = tokio::time::Instant::now() + budget(Duration::from_secs(300));
        loop {
            let out = self
                .client
                .describe_change_set()
                .stack_name(stack)
                .change_set_name(id)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk(SERVICE, "DescribeChangeSet", e))?;
            match out.status {
                Some(ChangeSetStatus::CreateComplete) => {
                    return self.all_changes(stack, id).await.map(Some);
                }
                Some(ChangeSetStatus::Failed) => {
                    let reason = out.status_reason.unwrap_or_default();
                    if no_changes(&reason) {
                        return Ok(None);
                    }
                    return Err(change_set_failed(stack, &reason));
                }
                _ if tokio::time::Instant::now() >= deadline => {
                    return Err(AwsError::local(
                        SERVICE,
                        "DescribeChangeSet",
                        "WaiterTimeout",
                        format!("stack \"{stack}\": change set {id} not ready in time"),
                    ));
                }
                _ => tokio::time::sleep(Duration::from_secs(1)).await,
            }
        }
    }

    async fn all_changes(&self, stack: &str, id: &str) -> Result<Vec<StackChange>, AwsError> {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = self
                .client
                .describe_change_set()
                .stack_name(stack)
                .change_set_name(id)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| AwsError::from_sdk(SERVICE, "DescribeChangeSet", e))?;
            out.extend(
                page.changes
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|c| {
                        c.resource_change.map(|r| StackChange {
                            action: r.action.map(|a| a.as_str().to_string()).unwrap_or_default(),
                            logical_id: r.logical_resource_id.unwrap_or_default(),
                            physical_id: r.physical_resource_id.filter(|p| !p.is_empty()),
                            resource_type: r.resource_type.unwrap_or_default(),
                            replacement: r.replacement.map(|x| x.as_str().to_string()),
                            scope: r
                                .scope
                                .unwrap_or_default()
                                .iter()
                                .map(|s| s.as_str().to_string())
                                .collect(),
                        })
                    }),
            );
            match page.next_token {
                Some(t) => token = Some(t),
                None => return Ok(out),
            }
        }
    }

    /// Deletes a change set that will not run (declined, or empty).
    pub async fn discard(&self, stack: &str, id: &str) -> Result<(), AwsError> {
        let out = self
            .client
            .delete_change_set()
            .stack_name(stack)
            .change_set_name(id)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(SERVICE, "DeleteChangeSet", e));
        not_found_ok(out).map(|_| ())
    }

    /// Drops a prepared change set that will not run; a stack that exists only because of it
    /// (a CREATE change set leaves an empty stack in REVIEW_IN_PROGRESS) goes too.
    pub async fn discard_plan(&self, plan: &StackPlan) -> Result<(), AwsError> {
        let Some(id) = &plan.change_set_id else {
            return Ok(());
        };
        self.discard(&plan.stack, id).await?;
        if plan.kind == "CREATE"
            && self.status(&plan.stack).await?.as_deref() == Some("REVIEW_IN_PROGRESS")
        {
            self.client
                .delete_stack()
                .stack_name(&plan.stack)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk(SERVICE, "DeleteStack", e))?;
        }
        Ok(())
    }

    /// Executes the prepared change set and waits until the stack settles, calling `on_event`
    /// for every stack event that happens meanwhile. A failed or rolled-back run is an error
    /// naming the first resource that failed and its reason.
    pub async fn execute(
        &self,
        plan: &StackPlan,
        on_event: &(dyn Fn(&StackEventLine) + Sync),
    ) -> Result<(), AwsError> {
        let Some(id) = &plan.change_set_id else {
            return Ok(());
        };
        let stack = plan.stack.as_str();
        let seen = self.event_ids(stack).await?;
        self.client
            .execute_change_set()
            .stack_name(stack)
            .change_set_name(id)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(SERVICE, "ExecuteChangeSet", e))?;
        self.follow(stack, seen, on_event).await
    }

    async fn follow(
        &self,
        stack: &str,
        mut seen: std::collections::HashSet<String>,
        on_event: &(dyn Fn(&StackEventLine) + Sync),
    ) -> Result<(), AwsError> {
        let deadline = tokio::time::Instant::now() + budget(Duration::from_secs(3600));
        let mut failures: Vec<StackEventLine> = Vec::new();
        loop {
            let mut fresh: Vec<StackEvent> = self
                .events(stack)
                .await?
                .into_iter()
                .filter(|e| e.event_id.as_ref().is_some_and(|id| !seen.contains(id)))
                .collect();
            // DescribeStackEvents lists the newest first.
            fresh.reverse();
            for e in fresh {
                seen.extend(e.event_id.clone());
                let line = event_line(&e);
                if line.status.ends_with("_FAILED") && line.logical_id != stack {
                    failures.push(line.clone());
                }
                on_event(&line);
            }
            let status = self.status(stack).await?.unwrap_or_default();
            if !status.ends_with("_IN_PROGRESS") {
                return finished(stack, &status, &failures);
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(AwsError::local(
                    SERVICE,
                    "DescribeStacks",
                    "WaiterTimeout",
                    format!(
                        "stack \"{stack}\": still {status}; CloudFormation goes on without eksform, run again to follow it"
                    ),
                ));
            }
            tokio::time::sleep(EVENT_POLL).await;
        }
    }

    async fn events(&self, stack: &str) -> Result<Vec<StackEvent>, AwsError> {
        let out = self
            .client
            .describe_stack_events()
            .stack_name(stack)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(SERVICE, "DescribeStackEvents", e));
        match out {
            Err(e) if e.code == "ValidationError" => Ok(Vec::new()),
            Err(e) => Err(e),
            Ok(o) => Ok(o.stack_events.unwrap_or_default()),
        }
    }

    /// The ids of the events the stack already has, so that only new ones are shown.
    async fn event_ids(&self, stack: &str) -> Result<std::collections::HashSet<String>, AwsError> {
        Ok(self
            .events(stack)
            .await?
            .into_iter()
            .filter_map(|e| e.event_id)
            .collect())
    }
}

fn event_line(e: &StackEvent) -> StackEventLine {
    StackEventLine {
        logical_id: e.logical_resource_id.clone().unwrap_or_default(),
        resource_type: e.resource_type.clone().unwrap_or_default(),
        status: e
            .resource_status
            .as_ref()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        reason: e.resource_status_reason.clone().filter(|r| !r.is_empty()),
    }
}

/// The end of a run: success, or an error naming the first resource that failed.
fn finished(stack: &str, status: &str, failures: &[StackEventLine]) -> Result<(), AwsError> {
    if status.ends_with("_COMPLETE") && !status.contains("ROLLBACK") {
        return Ok(());
    }
    let cause = failures
        .iter()
        .find(|f| {
            f.reason
                .as_deref()
                .is_some_and(|r| !r.contains("cancelled"))
        })
        .or(failures.first());
    let message = match cause {
        Some(f) => format!(
            "stack \"{stack}\" ended {status}: {} ({}) failed: {}",
            f.logical_id,
            f.resource_type,
            f.reason.as_deref().unwrap_or("no reason given")
        ),
        None => format!("stack \"{stack}\" ended {status}"),
    };
    let mut e = AwsError::local(SERVICE, "ExecuteChangeSet", "StackFailed", message);
    e.hint = Some("CloudFormation rolled the stack back; fix the cause and apply again".into());
    Err(e)
}

fn busy(stack: &str, status: &str) -> AwsError {
    let mut e = AwsError::local(
        SERVICE,
        "CreateChangeSet",
        "StackBusy",
        format!("stack \"{stack}\" is {status}"),
    );
    e.hint = Some(if status.ends_with("_IN_PROGRESS") {
        "another change is running on the stack; wait for it to finish".into()
    } else {
        "a stack whose creation failed must be deleted before it can be created again".into()
    });
    e
}

/// CloudFormation's way of saying a change set would change nothing: a FAILED change set whose
/// reason says so. There is no error code for it (the AWS CLI's `deploy` reads the same text), so
/// this is the one place a message is read.
fn no_changes(reason: &str) -> bool {
    reason.contains("didn't contain changes") || reason.contains("No updates are to be performed")
}

fn change_set_failed(stack: &str, reason: &str) -> AwsError {
    AwsError::local(
        SERVICE,
        "CreateChangeSet",
        "ChangeSetFailed",
        format!("stack \"{stack}\": change set failed: {reason}"),
    )
}

fn sdk_parameters(p: &BTreeMap<String, String>) -> Vec<Parameter> {
    p.iter()
        .map(|(k, v)| {
            Parameter::builder()
                .parameter_key(k)
                .parameter_value(v)
                .build()
        })
        .collect()
}

fn sdk_tags(t: &BTreeMap<String, String>) -> Vec<Tag> {
    t.iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect()
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failed(id: &str, reason: &str) -> StackEventLine {
        StackEventLine {
            logical_id: id.into(),
            resource_type: "AWS::EC2::Subnet".into(),
            status: "CREATE_FAILED".into(),
            reason: Some(reason.into()),
        }
    }

    #[test]
    fn a_failed_run_names_the_resource_that_failed_first_not_the_cancelled_ones() {
        let events = [
            failed("SubnetA", "Resource creation cancelled"),
            failed("SubnetB", "The CIDR '10.0.0.0/8' is invalid."),
        ];
        let e = finished("eksform-demo", "ROLLBACK_COMPLETE", &events).unwrap_err();
        assert_eq!(e.code, "StackFailed");
        assert_eq!(
            e.message,
            "stack \"eksform-demo\" ended ROLLBACK_COMPLETE: SubnetB (AWS::EC2::Subnet) failed: The CIDR '10.0.0.0/8' is invalid."
        );
        assert!(finished("eksform-demo", "UPDATE_COMPLETE", &[]).is_ok());
        assert!(finished("eksform-demo", "UPDATE_ROLLBACK_COMPLETE", &[]).is_err());
    }

    #[test]
    fn only_settled_stacks_take_a_change_set() {
        assert!(settled("CREATE_COMPLETE") && settled("UPDATE_COMPLETE"));
        assert!(settled("UPDATE_ROLLBACK_COMPLETE"));
        assert!(
            !settled("ROLLBACK_COMPLETE"),
            "a failed creation must be deleted first"
        );
        assert!(!settled("UPDATE_IN_PROGRESS"));
        assert!(no_changes(
            "The submitted information didn't contain changes. Submit different information to create a change set."
        ));
    }
}
