//! Page sizes of every list and describe call eksform makes, one per API family, each the
//! largest the API documents. Every paginated call sets one and follows every page with the
//! SDK's paginator (`all_items!`): a service's default page size differs per API and per implementation
//! (moto's DescribeLaunchTemplates answers 15 and no token), so depending on it makes a large
//! cluster look partly absent. Calls that name their resources by id (`VpcIds`, `GroupNames`)
//! get every named resource in one answer and take no page size: EC2 refuses `MaxResults`
//! together with ids.

/// EC2 Describe calls that page with `MaxResults` (VPCs, subnets, gateways, route tables,
/// security groups and rules, network interfaces, tags): 5 to 1000.
pub const EC2: i32 = 1000;
/// DescribeLaunchTemplates and DescribeLaunchTemplateVersions: 1 to 200.
pub const LAUNCH_TEMPLATES: i32 = 200;
/// ELBv2 Describe calls (`PageSize`): 1 to 400.
pub const ELB: i32 = 400;
/// IAM List calls (`MaxItems`): 1 to 1000.
pub const IAM: i32 = 1000;
/// Auto Scaling Describe calls (`MaxRecords`): up to 100.
pub const AUTOSCALING: i32 = 100;
/// DescribeInstanceRefreshes (`MaxRecords`): up to 100.
pub const INSTANCE_REFRESHES: i32 = 100;
/// EKS List calls (`maxResults`): 1 to 100.
pub const EKS: i32 = 100;
/// CloudWatch Logs DescribeLogGroups (`limit`): 1 to 50.
pub const LOGS: i32 = 50;

/// Every item of a paginated call, all pages followed, errors converted to `AwsError`s of
/// `$service` and operation `$op`: `paging::all_items!(call, SERVICE, "Op")` for a call
/// already given its page size (ELBv2's `PageSize`, Auto Scaling's `MaxRecords`), or
/// `paging::all_items!(call, paging::IAM, SERVICE, "Op")` to set it on the paginator. Expands
/// to the awaited result.
macro_rules! all_items {
    ($call:expr, $service:expr, $op:expr) => {
        $call
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| $crate::aws::AwsError::from_sdk($service, $op, e))
    };
    ($call:expr, $size:expr, $service:expr, $op:expr) => {
        $call
            .into_paginator()
            .page_size($size)
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| $crate::aws::AwsError::from_sdk($service, $op, e))
    };
}
pub(crate) use all_items;
