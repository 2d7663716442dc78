//! One module per resource kind behind one trait, `AwsKind`, and the registry (`ops`) that
//! maps a `Kind` to it. A kind's file says how to create, update and delete one resource of
//! that kind and how long each may take; `Cloud`, the executor's deadlines and the waiters ask
//! the registry, so nothing outside this module matches on `Kind` to pick what to call.
//! Shared per-service code (clients, paging, tags, waiters, the EC2 batch reader) stays in the
//! service modules and is called from here. Reads still run per service (`Cloud::read`), which
//! batches several kinds into one round trip. This module also holds what every kind's file
//! and service share as one list or one macro: the service clients (`services!`), a kind's
//! registry entry (`kind_ops!`) and the service structs' dispatch (`registry_methods!`).

pub mod access_entry;
pub mod autoscaling_group;
pub mod cluster;
pub(crate) mod elastic_ip;
pub(crate) mod iam_role;
pub(crate) mod instance_profile;
pub(crate) mod internet_gateway;
pub mod launch_template;
pub(crate) mod listener;
pub(crate) mod load_balancer;
pub mod log_group;
pub(crate) mod nat_gateway;
pub mod nodegroup;
pub(crate) mod oidc_provider;
pub(crate) mod route_table;
pub(crate) mod security_group;
pub(crate) mod security_group_rule;
pub(crate) mod subnet;
pub(crate) mod target_group;
pub mod target_group_attachment;
pub(crate) mod vpc;

use super::ec2::Ec2;
use super::elb::Elb;
use super::iam::Iam;
use super::timeouts::Op;
use super::{AwsError, ResolvedResource, support};
use access_entry::AccessEntries;
use autoscaling_group::Asg;
use cluster::Eks;
use eksform_core::live::LiveResource;
use eksform_core::model::Kind;
use futures::future::BoxFuture;
use launch_template::LaunchTemplates;
use log_group::LogGroups;
use nodegroup::Nodegroups;
use std::time::Duration;
use target_group_attachment::TargetGroupAttachments;

/// The limit of a change when its kind names none.
pub const DEFAULT_LIMIT: Duration = minutes(5);

/// `n` minutes, for the kinds' time limits.
pub const fn minutes(n: u64) -> Duration {
    Duration::from_secs(n * 60)
}

/// The service clients, one line a service (`field: Type`, the type having `new(conf)`):
/// generates `Clients` (one client per service, shared by every kind of that service),
/// `Clients::new`, the trait `Services` with one accessor per service (`None` by default) and
/// `impl Services for Clients` (every accessor `Some`). After `;`, `Type => field` makes that
/// service's own struct answer for itself only (`impl Services for Type`).
macro_rules! services {
    ($($field:ident: $ty:ident),* $(,)?; $($own:ident => $own_field:ident),* $(,)?) => {
        /// One client per service, shared by every kind of that service.
        pub(crate) struct Clients {
            $(pub $field: $ty,)*
        }

        impl Clients {
            pub fn new(conf: &aws_config::SdkConfig) -> Clients {
                Clients {
                    $($field: $ty::new(conf),)*
                }
            }
        }

        /// The service clients a kind's methods reach through. `Clients` answers for every
        /// service; a service's own struct (`Ec2`, `Iam`, `Elb`) answers for itself only, so
        /// that its `create`, `update` and `delete` go through the registry as well.
        pub(crate) trait Services: Sync {
            $(fn $field(&self) -> Option<&$ty> {
                None
            })*
        }

        impl Services for Clients {
            $(fn $field(&self) -> Option<&$ty> {
                Some(&self.$field)
            })*
        }

        $(impl Services for $own {
            fn $own_field(&self) -> Option<&$own> {
                Some(self)
            }
        })*
    };
}

services! {
    ec2: Ec2,
    lt: LaunchTemplates,
    iam: Iam,
    eks: Eks,
    nodegroups: Nodegroups,
    access: AccessEntries,
    elb: Elb,
    asg: Asg,
    attachments: TargetGroupAttachments,
    logs: LogGroups;
    Ec2 => ec2,
    Iam => iam,
    Elb => elb,
}

/// The client of `service` a kind needs for the resource at `address`, or the error saying
/// that the kind was handed to another service's struct.
pub(crate) fn reach<'a, S>(
    client: Option<&'a S>,
    service: &'static str,
    address: &str,
) -> Result<&'a S, AwsError> {
    client.ok_or_else(|| support::wrong_kind(service, address))
}

/// What a Describe of an external resource found: the detail the plan shows (a CIDR, a group's
/// name) and, for a subnet, its VPC and zone.
pub(crate) type ExternalFound = (String, Option<(String, String)>);
/// The Describe of an external resource; `None` inside when it does not exist.
pub(crate) type Looked<'a> = BoxFuture<'a, Result<Option<ExternalFound>, AwsError>>;

/// A kind's own read of a cluster's resources (see `AwsKind::read`).
pub(crate) type Reads<'a> = BoxFuture<'a, Result<Vec<LiveResource>, AwsError>>;
/// A created or updated resource as it would now be read.
pub(crate) type Written<'a> = BoxFuture<'a, Result<LiveResource, AwsError>>;
/// A delete, done when the resource is gone.
pub(crate) type Deleted<'a> = BoxFuture<'a, Result<(), AwsError>>;

/// What eksform does to one kind of resource on AWS. Implementations are unit structs listed
/// in `ops`, each named `Ops` in its kind's file and generated there by `kind_ops!`; their
/// methods take the shared service clients.
pub(crate) trait AwsKind: Send + Sync {
    /// The kind this implementation serves.
    fn kind(&self) -> Kind;

    /// How long `op` may take, waits included, before eksform gives up on the change (a run
    /// again resumes it); `--timeout` overrides it.
    fn limit(&self, op: Op) -> Duration {
        let _ = op;
        DEFAULT_LIMIT
    }

    /// Reads the cluster's resources of this kind, when the kind reads itself (a kind alone in
    /// a service that no service-wide read covers); `None` for kinds their service's read
    /// batches (`Cloud::read` joins both, so a kind that reads itself needs no line there).
    fn read<'a>(&'a self, cx: &'a dyn Services, cluster: &'a str) -> Option<Reads<'a>> {
        let _ = (cx, cluster);
        None
    }

    /// Creates one resource, tagging it at creation, waits until it is usable and returns it
    /// as it would now be read.
    fn create<'a>(
        &'a self,
        cx: &'a dyn Services,
        cluster: &'a str,
        r: &'a ResolvedResource,
    ) -> Written<'a>;

    /// Changes `fields` of `live` in place to the values of `r`.
    fn update<'a>(
        &'a self,
        cx: &'a dyn Services,
        r: &'a ResolvedResource,
        live: &'a LiveResource,
        fields: &'a [String],
    ) -> Written<'a>;

    /// Deletes one resource and waits until it is gone.
    fn delete<'a>(&'a self, cx: &'a dyn Services, live: &'a LiveResource) -> Deleted<'a>;

    /// Looks up the resource `id` the config names as existing (not eksform's); `None` for a
    /// kind the config never names by id.
    fn external<'a>(&'a self, cx: &'a dyn Services, id: &'a str) -> Option<Looked<'a>> {
        let _ = (cx, id);
        None
    }
}

/// A kind's registry entry: generates the unit struct `Ops` and its `AwsKind` impl, in the
/// kind's file. Each method reaches the service's client through `Services` (`cx.<service>()`,
/// refused with `wrong_kind` naming `$service` when handed another service's struct), then
/// runs the kind's code.
///
/// - `kind_ops!(Kind::Cluster, eks, SERVICE, limits(create, update, delete))`: the methods of
///   the service's struct of the same names (`s.create(cluster, r)`, `s.update(r, live,
///   fields)`, `s.delete(live)`); `limits(..)` (each a `Duration`) may be left out for the
///   default.
/// - the same followed by `; client`: the file's functions `create(c, cluster, r)`,
///   `update(c, r, live, fields)` and `delete(c, live)` over the service's SDK client `c`
///   (`s.client()`).
/// - the same followed by `;` and `create |s, cluster, r| expr; update |s, r, live, fields|
///   expr; delete |s, live| expr;` and optionally `read |s, cluster| future;` (the kind reads
///   itself, see `AwsKind::read`) and `external |s, id| expr;`: each expression, run inside
///   the method's future with `s` the service's struct, is the method's result.
macro_rules! kind_ops {
    ($kind:expr, $svc:ident, $service:expr $(, limits($c:expr, $u:expr, $d:expr))?; client) => {
        $crate::aws::kinds::kind_ops!($kind, $svc, $service $(, limits($c, $u, $d))?;
            create |s, cluster, r| create(s.client(), cluster, r).await;
            update |s, r, live, fields| update(s.client(), r, live, fields).await;
            delete |s, live| delete(s.client(), live).await;
        );
    };
    ($kind:expr, $svc:ident, $service:expr $(, limits($c:expr, $u:expr, $d:expr))? $(,)?) => {
        $crate::aws::kinds::kind_ops!($kind, $svc, $service $(, limits($c, $u, $d))?;
            create |s, cluster, r| s.create(cluster, r).await;
            update |s, r, live, fields| s.update(r, live, fields).await;
            delete |s, live| s.delete(live).await;
        );
    };
    (
        $kind:expr, $svc:ident, $service:expr $(, limits($c:expr, $u:expr, $d:expr))?;
        create |$cs:ident, $cluster:ident, $cr:ident| $create:expr;
        update |$us:ident, $ur:ident, $live:ident, $fields:ident| $update:expr;
        delete |$ds:ident, $dl:ident| $delete:expr;
        $(read |$rs:ident, $rc:ident| $read:expr;)?
        $(external |$es:ident, $id:ident| $external:expr;)?
    ) => {
        /// The registry's entry for this kind.
        pub(crate) struct Ops;

        impl $crate::aws::kinds::AwsKind for Ops {
            fn kind(&self) -> eksform_core::model::Kind {
                $kind
            }

            $(fn limit(&self, op: $crate::aws::timeouts::Op) -> std::time::Duration {
                match op {
                    $crate::aws::timeouts::Op::Create => $c,
                    $crate::aws::timeouts::Op::Update => $u,
                    $crate::aws::timeouts::Op::Delete => $d,
                }
            })?

            $(fn read<'a>(
                &'a self,
                cx: &'a dyn $crate::aws::kinds::Services,
                $rc: &'a str,
            ) -> Option<$crate::aws::kinds::Reads<'a>> {
                let $rs = cx.$svc()?;
                Some(Box::pin($read))
            })?

            fn create<'a>(
                &'a self,
                cx: &'a dyn $crate::aws::kinds::Services,
                #[allow(unused_variables)] $cluster: &'a str,
                $cr: &'a $crate::aws::ResolvedResource,
            ) -> $crate::aws::kinds::Written<'a> {
                Box::pin(async move {
                    let $cs = $crate::aws::kinds::reach(cx.$svc(), $service, &$cr.address)?;
                    $create
                })
            }

            fn update<'a>(
                &'a self,
                cx: &'a dyn $crate::aws::kinds::Services,
                $ur: &'a $crate::aws::ResolvedResource,
                $live: &'a eksform_core::live::LiveResource,
                $fields: &'a [String],
            ) -> $crate::aws::kinds::Written<'a> {
                Box::pin(async move {
                    let $us = $crate::aws::kinds::reach(cx.$svc(), $service, &$ur.address)?;
                    $update
                })
            }

            fn delete<'a>(
                &'a self,
                cx: &'a dyn $crate::aws::kinds::Services,
                $dl: &'a eksform_core::live::LiveResource,
            ) -> $crate::aws::kinds::Deleted<'a> {
                Box::pin(async move {
                    let $ds = $crate::aws::kinds::reach(cx.$svc(), $service, &$dl.address)?;
                    $delete
                })
            }

            $(fn external<'a>(
                &'a self,
                cx: &'a dyn $crate::aws::kinds::Services,
                $id: &'a str,
            ) -> Option<$crate::aws::kinds::Looked<'a>> {
                Some(Box::pin(async move {
                    let $es = $crate::aws::kinds::reach(cx.$svc(), $service, $id)?;
                    $external
                }))
            })?
        }
    };
}
pub(crate) use kind_ops;

/// Inside the `impl` of a service's struct that answers for itself in `Services` (`Ec2`,
/// `Iam`, `Elb`): generates its `create`, `update` and `delete`, each handing the resource
/// to its kind's registry entry (the kind's file in `kinds/` does the work).
macro_rules! registry_methods {
    () => {
        /// Creates one resource of a kind this service owns.
        pub async fn create(
            &self,
            cluster: &str,
            r: &$crate::aws::ResolvedResource,
        ) -> Result<eksform_core::live::LiveResource, $crate::aws::AwsError> {
            $crate::aws::kinds::ops(r.kind)
                .create(self, cluster, r)
                .await
        }

        /// Changes `fields` of a resource of a kind this service owns in place.
        pub async fn update(
            &self,
            r: &$crate::aws::ResolvedResource,
            live: &eksform_core::live::LiveResource,
            fields: &[String],
        ) -> Result<eksform_core::live::LiveResource, $crate::aws::AwsError> {
            $crate::aws::kinds::ops(r.kind)
                .update(self, r, live, fields)
                .await
        }

        /// Deletes a resource of a kind this service owns and waits until it is gone.
        pub async fn delete(
            &self,
            live: &eksform_core::live::LiveResource,
        ) -> Result<(), $crate::aws::AwsError> {
            $crate::aws::kinds::ops(live.kind).delete(self, live).await
        }
    };
}
pub(crate) use registry_methods;

/// The registry: the implementation of `kind`. Exhaustive, so a new `Kind` does not compile
/// until its AWS file is listed here.
pub(crate) fn ops(kind: Kind) -> &'static dyn AwsKind {
    let ops: &'static dyn AwsKind = match kind {
        Kind::Vpc => &vpc::Ops,
        Kind::Subnet => &subnet::Ops,
        Kind::InternetGateway => &internet_gateway::Ops,
        Kind::ElasticIp => &elastic_ip::Ops,
        Kind::NatGateway => &nat_gateway::Ops,
        Kind::RouteTable => &route_table::Ops,
        Kind::SecurityGroup => &security_group::Ops,
        Kind::SecurityGroupRule => &security_group_rule::Ops,
        Kind::LaunchTemplate => &launch_template::Ops,
        Kind::IamRole => &iam_role::Ops,
        Kind::InstanceProfile => &instance_profile::Ops,
        Kind::Cluster => &cluster::Ops,
        Kind::Nodegroup => &nodegroup::Ops,
        Kind::AccessEntry => &access_entry::Ops,
        Kind::LoadBalancer => &load_balancer::Ops,
        Kind::TargetGroup => &target_group::Ops,
        Kind::Listener => &listener::Ops,
        Kind::AutoscalingGroup => &autoscaling_group::Ops,
        Kind::TargetGroupAttachment => &target_group_attachment::Ops,
        Kind::LogGroup => &log_group::Ops,
        Kind::OidcProvider => &oidc_provider::Ops,
    };
    debug_assert_eq!(ops.kind(), kind, "registry entry of {}", kind.as_str());
    ops
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_served_by_its_own_implementation() {
        for kind in Kind::ALL {
            assert_eq!(ops(kind).kind(), kind, "{}", kind.as_str());
        }
    }

    #[test]
    fn kinds_without_a_limit_of_their_own_get_the_default() {
        assert_eq!(ops(Kind::Listener).limit(Op::Create), DEFAULT_LIMIT);
        assert_eq!(ops(Kind::AccessEntry).limit(Op::Delete), DEFAULT_LIMIT);
        assert_eq!(ops(Kind::Cluster).limit(Op::Create), minutes(30));
        assert_eq!(ops(Kind::Subnet).limit(Op::Delete), minutes(20));
    }

    fn offline_conf() -> aws_config::SdkConfig {
        aws_config::SdkConfig::builder()
            .behavior_version(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new("us-east-1"))
            .build()
    }

    #[tokio::test]
    async fn a_kind_handed_to_another_services_struct_is_refused_before_any_call() {
        let ec2 = Ec2::new(&offline_conf());
        let role = ResolvedResource {
            address: "iam_role.nodes".into(),
            kind: Kind::IamRole,
            props: Default::default(),
        };
        let e = ec2.create("c", &role).await.unwrap_err();
        assert_eq!((e.service, e.code.as_str()), ("IAM", "WrongKind"));
        assert!(e.message.contains("iam_role.nodes"), "{e}");
        let vpc = ResolvedResource {
            address: "vpc.main".into(),
            kind: Kind::Vpc,
            props: Default::default(),
        };
        let e = Iam::new(&offline_conf())
            .create("c", &vpc)
            .await
            .unwrap_err();
        assert_eq!((e.service, e.code.as_str()), ("EC2", "WrongKind"));
    }

    #[test]
    fn only_networking_kinds_are_looked_up_as_external() {
        let ec2 = Ec2::new(&offline_conf());
        let named: Vec<Kind> = Kind::ALL
            .into_iter()
            .filter(|k| ops(*k).external(&ec2, "id-1").is_some())
            .collect();
        assert_eq!(named, [Kind::Vpc, Kind::Subnet, Kind::SecurityGroup]);
    }

    #[test]
    fn only_schema_updatable_fields_change_in_place() {
        use crate::aws::ec2::updatable;
        assert!(updatable(vpc::IN_PLACE, "tags"));
        assert!(updatable(vpc::IN_PLACE, "enable_dns_hostnames"));
        assert!(!updatable(vpc::IN_PLACE, "cidr"));
        assert!(updatable(route_table::IN_PLACE, "subnet_ids"));
        assert!(!updatable(route_table::IN_PLACE, "vpc_id"));
        assert!(!updatable(security_group::IN_PLACE, "name"));
        assert!(!updatable(security_group_rule::IN_PLACE, "from_port"));
        assert!(!updatable(nat_gateway::IN_PLACE, "subnet_id"));
    }
}
