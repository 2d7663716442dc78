//! What a create does when AWS answers that the resource already exists. For the APIs that take
//! no client token (IAM roles and instance profiles, ELBv2 load balancers, target groups and
//! listeners, security groups, Auto Scaling groups, launch templates by name) that answer most
//! often means an earlier send of this very create made it and its answer was lost. So the
//! resource is looked up by name and adopted when its ownership tags say it is this resource;
//! anything else fails, naming what is in the way. It decides nothing about when to create.

use super::AwsError;
use super::ResolvedResource;
use std::future::Future;

/// The codes with which AWS answers a create whose name is taken, by service: IAM, Auto
/// Scaling, ELBv2 (three), EC2 security groups and launch templates, EKS.
const ALREADY_EXISTS: &[&str] = &[
    "EntityAlreadyExists",
    "AlreadyExists",
    "DuplicateLoadBalancerName",
    "DuplicateTargetGroupName",
    "DuplicateListener",
    "InvalidGroup.Duplicate",
    "InvalidLaunchTemplateName.AlreadyExistsException",
    "ResourceInUseException",
];

/// Whether `e` says the resource a create names already exists.
pub fn already_exists(e: &AwsError) -> bool {
    ALREADY_EXISTS.contains(&e.code.as_str())
}

/// What a lookup by name found: the value a create returns, and the address its ownership
/// tags give it for this cluster (`None`: another cluster's, or not eksform's at all).
pub struct Found<T> {
    pub value: T,
    pub address: Option<String>,
}

/// The result of a create that failed with `err`. When `err` says `name` is taken, `lookup`
/// finds it: it is adopted when it is this resource (`r`'s address); otherwise the error names
/// it and says what to do. Any other error is returned as it is.
pub async fn adopt<T, F, Fut>(
    r: &ResolvedResource,
    name: &str,
    err: AwsError,
    lookup: F,
) -> Result<T, AwsError>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<Option<Found<T>>, AwsError>>,
{
    if !already_exists(&err) {
        return Err(err);
    }
    match lookup().await? {
        Some(found) if found.address.as_deref() == Some(r.address.as_str()) => Ok(found.value),
        Some(found) => Err(not_ours(r, name, err, found.address.as_deref())),
        // Gone again since AWS refused (a delete in between): run again to create it.
        None => Err(err),
    }
}

fn not_ours(r: &ResolvedResource, name: &str, mut err: AwsError, owner: Option<&str>) -> AwsError {
    let kind = r.kind.as_str();
    let whose = match owner {
        Some(other) => format!("eksform's {other} of this cluster"),
        None => "not this cluster's (no matching eksform.io tags)".to_string(),
    };
    err.message = format!(
        "{}: {kind} {name:?} already exists and is {whose}, so it is not adopted",
        r.address
    );
    err.hint = Some(format!(
        "rename the {kind} in the config, or delete or rename the existing one, then run again"
    ));
    err
}

#[cfg(test)]
mod tests {
    use super::*;
    use eksform_core::model::{Kind, Props};

    fn role() -> ResolvedResource {
        ResolvedResource {
            address: "iam_role.nodes".into(),
            kind: Kind::IamRole,
            props: Props::new(),
        }
    }

    fn exists() -> AwsError {
        AwsError::new("IAM", "CreateRole", "EntityAlreadyExists", "Role exists")
    }

    async fn found(address: Option<&str>) -> Result<Option<Found<u32>>, AwsError> {
        let address = address.map(str::to_string);
        Ok(Some(Found { value: 7, address }))
    }

    #[tokio::test]
    async fn the_resource_tagged_with_this_address_is_adopted() {
        let got = adopt(&role(), "c-nodes", exists(), || {
            found(Some("iam_role.nodes"))
        })
        .await;
        assert_eq!(got.unwrap(), 7);
    }

    #[tokio::test]
    async fn a_resource_of_someone_else_is_named_and_refused() {
        let e = adopt(&role(), "c-nodes", exists(), || found(None)).await;
        let e = e.unwrap_err();
        assert_eq!(e.code, "EntityAlreadyExists");
        assert!(
            e.message.contains("iam_role \"c-nodes\" already exists"),
            "{e}"
        );
        assert!(e.to_string().contains("rename the iam_role"), "{e}");
        let e = adopt(&role(), "c-nodes", exists(), || {
            found(Some("iam_role.cluster"))
        })
        .await;
        assert!(e.unwrap_err().message.contains("iam_role.cluster"));
    }

    #[tokio::test]
    async fn other_errors_are_not_looked_up() {
        let other = AwsError::new("IAM", "CreateRole", "MalformedPolicyDocument", "bad");
        let e: Result<(), _> = adopt(&role(), "c-nodes", other, || async {
            panic!("no lookup for an error that is not about the name")
        })
        .await;
        assert_eq!(e.unwrap_err().code, "MalformedPolicyDocument");
    }
}
