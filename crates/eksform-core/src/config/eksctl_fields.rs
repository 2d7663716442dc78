//! Field names of eksctl's ClusterConfig v1alpha5 objects, generated from eksctl's JSON
//! schema by `scripts/gen-eksctl-fields.py`; do not edit by hand. Facts only: which names
//! exist and what shape their values have. It must not say what eksform supports.

/// The shape of a value in eksctl's schema.
#[derive(Debug)]
pub enum Shape {
    /// A string, number or boolean.
    Scalar,
    /// Anything (free-form documents, ARNs, one-of objects).
    Any,
    /// An object of the named definition.
    Object(&'static str),
    List(&'static Shape),
    /// Free keys, each value of this shape.
    Map(&'static Shape),
}

/// One object of eksctl's schema.
#[derive(Debug)]
pub struct Object {
    pub name: &'static str,
    pub fields: &'static [(&'static str, Shape)],
}

/// Every object of the schema, sorted by name.
#[rustfmt::skip]
pub static OBJECTS: &[Object] = &[
    Object { name: "AZSubnetSpec", fields: &[
        ("az", Shape::Scalar), ("cidr", Shape::Scalar), ("id", Shape::Scalar),
    ] },
    Object { name: "AccessConfig", fields: &[
        ("accessEntries", Shape::List(&Shape::Object("AccessEntry"))),
        ("authenticationMode", Shape::Scalar),
        ("bootstrapClusterCreatorAdminPermissions", Shape::Scalar),
    ] },
    Object { name: "AccessEntry", fields: &[
        ("accessPolicies", Shape::List(&Shape::Object("AccessPolicy"))),
        ("kubernetesGroups", Shape::List(&Shape::Scalar)), ("kubernetesUsername", Shape::Scalar),
        ("principalARN", Shape::Any), ("type", Shape::Scalar),
    ] },
    Object { name: "AccessPolicy", fields: &[
        ("accessScope", Shape::Object("AccessScope")), ("policyARN", Shape::Any),
    ] },
    Object { name: "AccessScope", fields: &[
        ("namespaces", Shape::List(&Shape::Scalar)), ("type", Shape::Scalar),
    ] },
    Object { name: "Addon", fields: &[
        ("attachPolicy", Shape::Any), ("attachPolicyARNs", Shape::List(&Shape::Scalar)),
        ("configurationValues", Shape::Scalar), ("name", Shape::Scalar),
        ("namespaceConfig", Shape::Object("AddonNamespaceConfig")),
        ("owners", Shape::List(&Shape::Scalar)), ("permissionsBoundary", Shape::Scalar),
        ("podIdentityAssociations", Shape::List(&Shape::Object("PodIdentityAssociation"))),
        ("publishers", Shape::List(&Shape::Scalar)), ("resolveConflicts", Shape::Scalar),
        ("serviceAccountRoleARN", Shape::Scalar), ("tags", Shape::Map(&Shape::Scalar)),
        ("types", Shape::List(&Shape::Scalar)),
        ("useDefaultPodIdentityAssociations", Shape::Scalar), ("version", Shape::Scalar),
        ("wellKnownPolicies", Shape::Object("WellKnownPolicies")),
    ] },
    Object { name: "AddonNamespaceConfig", fields: &[
        ("namespace", Shape::Scalar),
    ] },
    Object { name: "AddonsConfig", fields: &[
        ("autoApplyPodIdentityAssociations", Shape::Scalar),
        ("disableDefaultAddons", Shape::Scalar),
    ] },
    Object { name: "ArgoCDAWSIDC", fields: &[
        ("idcInstanceArn", Shape::Scalar), ("idcRegion", Shape::Scalar),
    ] },
    Object { name: "ArgoCDConfiguration", fields: &[
        ("awsIdc", Shape::Object("ArgoCDAWSIDC")), ("namespace", Shape::Scalar),
        ("networkAccess", Shape::Object("ArgoCDNetworkAccess")),
        ("rbacRoleMappings", Shape::List(&Shape::Object("ArgoCDRoleMapping"))),
    ] },
    Object { name: "ArgoCDNetworkAccess", fields: &[
        ("vpceIds", Shape::List(&Shape::Scalar)),
    ] },
    Object { name: "ArgoCDRoleMapping", fields: &[
        ("identities", Shape::List(&Shape::Object("SSOIdentity"))), ("role", Shape::Scalar),
    ] },
    Object { name: "AutoModeConfig", fields: &[
        ("enabled", Shape::Scalar), ("nodePools", Shape::List(&Shape::Scalar)),
        ("nodeRoleARN", Shape::Any), ("permissionsBoundaryARN", Shape::Any),
    ] },
    Object { name: "Capability", fields: &[
        ("accessPolicies", Shape::List(&Shape::Object("AccessPolicy"))),
        ("attachPolicy", Shape::Any), ("attachPolicyARNs", Shape::List(&Shape::Scalar)),
        ("configuration", Shape::Object("CapabilityConfiguration")),
        ("deletePropagationPolicy", Shape::Scalar), ("name", Shape::Scalar),
        ("permissionsBoundary", Shape::Scalar), ("roleArn", Shape::Scalar),
        ("tags", Shape::Map(&Shape::Scalar)), ("type", Shape::Scalar),
    ] },
    Object { name: "CapabilityConfiguration", fields: &[
        ("argocd", Shape::Object("ArgoCDConfiguration")),
    ] },
    Object { name: "CapacityReservation", fields: &[
        ("capacityReservationPreference", Shape::Scalar),
        ("capacityReservationTarget", Shape::Object("CapacityReservationTarget")),
    ] },
    Object { name: "CapacityReservationTarget", fields: &[
        ("capacityReservationID", Shape::Scalar),
        ("capacityReservationResourceGroupARN", Shape::Scalar),
    ] },
    Object { name: "ClusterCloudWatch", fields: &[
        ("clusterLogging", Shape::Object("ClusterCloudWatchLogging")),
    ] },
    Object { name: "ClusterCloudWatchLogging", fields: &[
        ("enableTypes", Shape::List(&Shape::Scalar)), ("logRetentionInDays", Shape::Scalar),
    ] },
    Object { name: "ClusterConfig", fields: &[
        ("accessConfig", Shape::Object("AccessConfig")),
        ("addons", Shape::List(&Shape::Object("Addon"))),
        ("addonsConfig", Shape::Object("AddonsConfig")), ("apiVersion", Shape::Scalar),
        ("autoModeConfig", Shape::Object("AutoModeConfig")),
        ("availabilityZones", Shape::List(&Shape::Scalar)),
        ("capabilities", Shape::List(&Shape::Object("Capability"))),
        ("cloudWatch", Shape::Object("ClusterCloudWatch")),
        ("controlPlaneScalingConfig", Shape::Object("ControlPlaneScalingConfig")),
        ("fargateProfiles", Shape::List(&Shape::Object("FargateProfile"))),
        ("gitops", Shape::Object("GitOps")), ("iam", Shape::Object("ClusterIAM")),
        ("iamIdentityMappings", Shape::List(&Shape::Object("IAMIdentityMapping"))),
        ("identityProviders", Shape::List(&Shape::Any)), ("karpenter", Shape::Object("Karpenter")),
        ("kind", Shape::Scalar), ("kubeAPIServerConfig", Shape::Object("KubeAPIServerConfig")),
        ("kubeControllerManagerConfig", Shape::Object("KubeControllerManagerConfig")),
        ("kubeSchedulerConfig", Shape::Object("KubeSchedulerConfig")),
        ("kubernetesNetworkConfig", Shape::Object("KubernetesNetworkConfig")),
        ("localZones", Shape::List(&Shape::Scalar)),
        ("managedNodeGroups", Shape::List(&Shape::Object("ManagedNodeGroup"))),
        ("metadata", Shape::Object("ClusterMeta")),
        ("nodeGroups", Shape::List(&Shape::Object("NodeGroup"))),
        ("outpost", Shape::Object("Outpost")), ("privateCluster", Shape::Object("PrivateCluster")),
        ("remoteNetworkConfig", Shape::Object("RemoteNetworkConfig")),
        ("secretsEncryption", Shape::Object("SecretsEncryption")),
        ("upgradePolicy", Shape::Object("UpgradePolicy")), ("vpc", Shape::Object("ClusterVPC")),
        ("zonalShiftConfig", Shape::Object("ZonalShiftConfig")),
    ] },
    Object { name: "ClusterEndpoints", fields: &[
        ("privateAccess", Shape::Scalar), ("publicAccess", Shape::Scalar),
    ] },
    Object { name: "ClusterIAM", fields: &[
        ("fargatePodExecutionRoleARN", Shape::Scalar),
        ("fargatePodExecutionRolePermissionsBoundary", Shape::Scalar),
        ("podIdentityAssociations", Shape::List(&Shape::Object("PodIdentityAssociation"))),
        ("serviceAccounts", Shape::List(&Shape::Object("ClusterIAMServiceAccount"))),
        ("serviceRoleARN", Shape::Scalar), ("serviceRolePermissionsBoundary", Shape::Scalar),
        ("vpcResourceControllerPolicy", Shape::Scalar), ("withOIDC", Shape::Scalar),
    ] },
    Object { name: "ClusterIAMMeta", fields: &[
        ("annotations", Shape::Map(&Shape::Scalar)), ("labels", Shape::Map(&Shape::Scalar)),
        ("name", Shape::Scalar), ("namespace", Shape::Scalar),
    ] },
    Object { name: "ClusterIAMServiceAccount", fields: &[
        ("attachPolicy", Shape::Any), ("attachPolicyARNs", Shape::List(&Shape::Scalar)),
        ("attachRoleARN", Shape::Scalar), ("metadata", Shape::Object("ClusterIAMMeta")),
        ("permissionsBoundary", Shape::Scalar), ("roleName", Shape::Scalar),
        ("roleOnly", Shape::Scalar), ("status", Shape::Object("ClusterIAMServiceAccountStatus")),
        ("subjectPattern", Shape::Scalar), ("tags", Shape::Map(&Shape::Scalar)),
        ("wellKnownPolicies", Shape::Object("WellKnownPolicies")),
    ] },
    Object { name: "ClusterIAMServiceAccountStatus", fields: &[
        ("capabilities", Shape::List(&Shape::Scalar)), ("roleARN", Shape::Scalar),
        ("stackName", Shape::Scalar), ("tags", Shape::Map(&Shape::Scalar)),
    ] },
    Object { name: "ClusterMeta", fields: &[
        ("annotations", Shape::Map(&Shape::Scalar)), ("forceUpdateVersion", Shape::Scalar),
        ("name", Shape::Scalar), ("region", Shape::Scalar),
        ("rollbackConfig", Shape::Object("RollbackConfig")), ("tags", Shape::Map(&Shape::Scalar)),
        ("version", Shape::Scalar),
    ] },
    Object { name: "ClusterNAT", fields: &[
        ("gateway", Shape::Scalar),
    ] },
    Object { name: "ClusterSubnets", fields: &[
        ("private", Shape::Map(&Shape::Object("AZSubnetSpec"))),
        ("public", Shape::Map(&Shape::Object("AZSubnetSpec"))),
    ] },
    Object { name: "ClusterVPC", fields: &[
        ("autoAllocateIPv6", Shape::Scalar), ("cidr", Shape::Scalar),
        ("clusterEndpoints", Shape::Object("ClusterEndpoints")),
        ("controlPlaneEgressMode", Shape::Scalar), ("controlPlaneOnPrivateSubnets", Shape::Scalar),
        ("controlPlaneSecurityGroupIDs", Shape::List(&Shape::Scalar)),
        ("controlPlaneSubnetIDs", Shape::List(&Shape::Scalar)),
        ("extraCIDRs", Shape::List(&Shape::Scalar)),
        ("extraIPv6CIDRs", Shape::List(&Shape::Scalar)), ("hostnameType", Shape::Scalar),
        ("id", Shape::Scalar), ("ipv6Cidr", Shape::Scalar), ("ipv6Pool", Shape::Scalar),
        ("manageSharedNodeSecurityGroupRules", Shape::Scalar), ("nat", Shape::Object("ClusterNAT")),
        ("publicAccessCIDRs", Shape::List(&Shape::Scalar)), ("securityGroup", Shape::Scalar),
        ("sharedNodeSecurityGroup", Shape::Scalar), ("subnets", Shape::Object("ClusterSubnets")),
    ] },
    Object { name: "ControlPlaneScalingConfig", fields: &[
        ("tier", Shape::Scalar),
    ] },
    Object { name: "FargateProfile", fields: &[
        ("name", Shape::Scalar), ("podExecutionRoleARN", Shape::Scalar),
        ("selectors", Shape::List(&Shape::Object("FargateProfileSelector"))),
        ("status", Shape::Scalar), ("subnets", Shape::List(&Shape::Scalar)),
        ("tags", Shape::Map(&Shape::Scalar)),
    ] },
    Object { name: "FargateProfileSelector", fields: &[
        ("labels", Shape::Map(&Shape::Scalar)), ("namespace", Shape::Scalar),
    ] },
    Object { name: "Flux", fields: &[
        ("flags", Shape::Map(&Shape::Scalar)), ("gitProvider", Shape::Scalar),
    ] },
    Object { name: "GitOps", fields: &[
        ("flux", Shape::Object("Flux")),
    ] },
    Object { name: "HorizontalPodAutoscalerControllerConfig", fields: &[
        ("horizontalPodAutoscalerSyncPeriod", Shape::Scalar),
    ] },
    Object { name: "IAMIdentityMapping", fields: &[
        ("account", Shape::Scalar), ("arn", Shape::Scalar), ("groups", Shape::List(&Shape::Scalar)),
        ("namespace", Shape::Scalar), ("noDuplicateARNs", Shape::Scalar),
        ("serviceName", Shape::Scalar), ("username", Shape::Scalar),
    ] },
    Object { name: "InstanceMarketOptions", fields: &[
        ("marketType", Shape::Scalar),
    ] },
    Object { name: "InstanceSelector", fields: &[
        ("allow", Shape::Scalar), ("cpuArchitecture", Shape::Scalar), ("deny", Shape::Scalar),
        ("gpus", Shape::Scalar), ("memory", Shape::Scalar), ("neuron_devices", Shape::Scalar),
        ("vCPUs", Shape::Scalar),
    ] },
    Object { name: "Karpenter", fields: &[
        ("createServiceAccount", Shape::Scalar), ("defaultInstanceProfile", Shape::Scalar),
        ("version", Shape::Scalar), ("withSpotInterruptionQueue", Shape::Scalar),
    ] },
    Object { name: "KubeAPIServerConfig", fields: &[
        ("eventTTL", Shape::Scalar),
        ("serviceNodePortRange", Shape::Object("ServiceNodePortRange")),
    ] },
    Object { name: "KubeControllerManagerConfig", fields: &[
       
        ("horizontalPodAutoscalerControllerConfig", Shape::Object("HorizontalPodAutoscalerControllerConfig")),
    ] },
    Object { name: "KubeSchedulerConfig", fields: &[
        ("nodeResourcesFit", Shape::Object("NodeResourcesFitConfig")),
    ] },
    Object { name: "KubernetesNetworkConfig", fields: &[
        ("ipFamily", Shape::Scalar), ("serviceIPv4CIDR", Shape::Scalar),
        ("serviceIPv6CIDR", Shape::Scalar),
    ] },
    Object { name: "LaunchTemplate", fields: &[
        ("id", Shape::Scalar), ("version", Shape::Scalar),
    ] },
    Object { name: "ManagedNodeGroup", fields: &[
        ("additionalVolumes", Shape::List(&Shape::Object("VolumeMapping"))), ("ami", Shape::Scalar),
        ("amiFamily", Shape::Scalar), ("asgSuspendProcesses", Shape::List(&Shape::Scalar)),
        ("availabilityZones", Shape::List(&Shape::Scalar)),
        ("bottlerocket", Shape::Object("NodeGroupBottlerocket")),
        ("capacityReservation", Shape::Object("CapacityReservation")),
        ("desiredCapacity", Shape::Scalar), ("disableIMDSv1", Shape::Scalar),
        ("disablePodIMDS", Shape::Scalar), ("ebsOptimized", Shape::Scalar),
        ("efaEnabled", Shape::Scalar), ("enableDetailedMonitoring", Shape::Scalar),
        ("iam", Shape::Object("NodeGroupIAM")),
        ("instanceMarketOptions", Shape::Object("InstanceMarketOptions")),
        ("instanceName", Shape::Scalar), ("instancePrefix", Shape::Scalar),
        ("instanceSelector", Shape::Object("InstanceSelector")), ("instanceType", Shape::Scalar),
        ("instanceTypes", Shape::List(&Shape::Scalar)), ("labels", Shape::Map(&Shape::Scalar)),
        ("launchTemplate", Shape::Object("LaunchTemplate")), ("maxPodsPerNode", Shape::Scalar),
        ("maxSize", Shape::Scalar), ("minSize", Shape::Scalar), ("name", Shape::Scalar),
        ("nodeRepairConfig", Shape::Object("NodeGroupNodeRepairConfig")),
        ("outpostARN", Shape::Scalar), ("overrideBootstrapCommand", Shape::Scalar),
        ("placement", Shape::Object("Placement")),
        ("preBootstrapCommands", Shape::List(&Shape::Scalar)), ("privateNetworking", Shape::Scalar),
        ("propagateASGTags", Shape::Scalar), ("releaseVersion", Shape::Scalar),
        ("securityGroups", Shape::Object("NodeGroupSGs")), ("spot", Shape::Scalar),
        ("ssh", Shape::Object("NodeGroupSSH")), ("subnets", Shape::List(&Shape::Scalar)),
        ("tags", Shape::Map(&Shape::Scalar)),
        ("taints", Shape::List(&Shape::Object("NodeGroupTaint"))),
        ("updateConfig", Shape::Object("NodeGroupUpdateConfig")),
        ("volumeEncrypted", Shape::Scalar), ("volumeIOPS", Shape::Scalar),
        ("volumeKmsKeyID", Shape::Scalar), ("volumeName", Shape::Scalar),
        ("volumeSize", Shape::Scalar), ("volumeThroughput", Shape::Scalar),
        ("volumeType", Shape::Scalar),
    ] },
    Object { name: "MetricsCollection", fields: &[
        ("granularity", Shape::Scalar), ("metrics", Shape::List(&Shape::Scalar)),
    ] },
    Object { name: "NodeGroup", fields: &[
        ("additionalVolumes", Shape::List(&Shape::Object("VolumeMapping"))), ("ami", Shape::Scalar),
        ("amiFamily", Shape::Scalar),
        ("asgMetricsCollection", Shape::List(&Shape::Object("MetricsCollection"))),
        ("asgSuspendProcesses", Shape::List(&Shape::Scalar)),
        ("availabilityZones", Shape::List(&Shape::Scalar)),
        ("bottlerocket", Shape::Object("NodeGroupBottlerocket")),
        ("capacityReservation", Shape::Object("CapacityReservation")),
        ("classicLoadBalancerNames", Shape::List(&Shape::Scalar)), ("clusterDNS", Shape::Scalar),
        ("containerRuntime", Shape::Scalar), ("cpuCredits", Shape::Scalar),
        ("desiredCapacity", Shape::Scalar), ("disableIMDSv1", Shape::Scalar),
        ("disablePodIMDS", Shape::Scalar), ("ebsOptimized", Shape::Scalar),
        ("efaEnabled", Shape::Scalar), ("enableDetailedMonitoring", Shape::Scalar),
        ("enclaveEnabled", Shape::Scalar), ("iam", Shape::Object("NodeGroupIAM")),
        ("instanceMarketOptions", Shape::Object("InstanceMarketOptions")),
        ("instanceName", Shape::Scalar), ("instancePrefix", Shape::Scalar),
        ("instanceSelector", Shape::Object("InstanceSelector")), ("instanceType", Shape::Scalar),
        ("instancesDistribution", Shape::Object("NodeGroupInstancesDistribution")),
        ("kubeletExtraConfig", Shape::Any), ("labels", Shape::Map(&Shape::Scalar)),
        ("localZones", Shape::List(&Shape::Scalar)), ("maxInstanceLifetime", Shape::Scalar),
        ("maxPodsPerNode", Shape::Scalar), ("maxSize", Shape::Scalar), ("minSize", Shape::Scalar),
        ("name", Shape::Scalar), ("outpostARN", Shape::Scalar),
        ("overrideBootstrapCommand", Shape::Scalar), ("placement", Shape::Object("Placement")),
        ("preBootstrapCommands", Shape::List(&Shape::Scalar)), ("privateNetworking", Shape::Scalar),
        ("propagateASGTags", Shape::Scalar), ("securityGroups", Shape::Object("NodeGroupSGs")),
        ("ssh", Shape::Object("NodeGroupSSH")), ("subnets", Shape::List(&Shape::Scalar)),
        ("tags", Shape::Map(&Shape::Scalar)),
        ("taints", Shape::List(&Shape::Object("NodeGroupTaint"))),
        ("targetGroupARNs", Shape::List(&Shape::Scalar)),
        ("updateConfig", Shape::Object("NodeGroupUpdateConfig")),
        ("volumeEncrypted", Shape::Scalar), ("volumeIOPS", Shape::Scalar),
        ("volumeKmsKeyID", Shape::Scalar), ("volumeName", Shape::Scalar),
        ("volumeSize", Shape::Scalar), ("volumeThroughput", Shape::Scalar),
        ("volumeType", Shape::Scalar),
    ] },
    Object { name: "NodeGroupBottlerocket", fields: &[
        ("enableAdminContainer", Shape::Scalar), ("settings", Shape::Any),
    ] },
    Object { name: "NodeGroupIAM", fields: &[
        ("attachPolicy", Shape::Any), ("attachPolicyARNs", Shape::List(&Shape::Scalar)),
        ("instanceProfileARN", Shape::Scalar), ("instanceRoleARN", Shape::Scalar),
        ("instanceRoleName", Shape::Scalar), ("instanceRolePermissionsBoundary", Shape::Scalar),
        ("withAddonPolicies", Shape::Object("NodeGroupIAMAddonPolicies")),
    ] },
    Object { name: "NodeGroupIAMAddonPolicies", fields: &[
        ("albIngress", Shape::Scalar), ("appMesh", Shape::Scalar),
        ("appMeshPreview", Shape::Scalar), ("autoScaler", Shape::Scalar),
        ("awsLoadBalancerController", Shape::Scalar), ("certManager", Shape::Scalar),
        ("cloudWatch", Shape::Scalar), ("ebs", Shape::Scalar), ("efs", Shape::Scalar),
        ("externalDNS", Shape::Scalar), ("fsx", Shape::Scalar), ("imageBuilder", Shape::Scalar),
        ("xRay", Shape::Scalar),
    ] },
    Object { name: "NodeGroupInstancesDistribution", fields: &[
        ("capacityRebalance", Shape::Scalar), ("instanceTypes", Shape::List(&Shape::Scalar)),
        ("maxPrice", Shape::Scalar), ("onDemandBaseCapacity", Shape::Scalar),
        ("onDemandPercentageAboveBaseCapacity", Shape::Scalar),
        ("spotAllocationStrategy", Shape::Scalar), ("spotInstancePools", Shape::Scalar),
    ] },
    Object { name: "NodeGroupNodeRepairConfig", fields: &[
        ("enabled", Shape::Scalar), ("maxParallelNodesRepairedCount", Shape::Scalar),
        ("maxParallelNodesRepairedPercentage", Shape::Scalar),
        ("maxUnhealthyNodeThresholdCount", Shape::Scalar),
        ("maxUnhealthyNodeThresholdPercentage", Shape::Scalar),
        ("nodeRepairConfigOverrides", Shape::List(&Shape::Object("NodeRepairConfigOverride"))),
    ] },
    Object { name: "NodeGroupSGs", fields: &[
        ("attachIDs", Shape::List(&Shape::Scalar)), ("withLocal", Shape::Scalar),
        ("withShared", Shape::Scalar),
    ] },
    Object { name: "NodeGroupSSH", fields: &[
        ("allow", Shape::Scalar), ("enableSsm", Shape::Scalar), ("publicKey", Shape::Scalar),
        ("publicKeyName", Shape::Scalar), ("publicKeyPath", Shape::Scalar),
        ("sourceSecurityGroupIds", Shape::List(&Shape::Scalar)),
    ] },
    Object { name: "NodeGroupTaint", fields: &[
        ("effect", Shape::Scalar), ("key", Shape::Scalar), ("value", Shape::Scalar),
    ] },
    Object { name: "NodeGroupUpdateConfig", fields: &[
        ("maxUnavailable", Shape::Scalar), ("maxUnavailablePercentage", Shape::Scalar),
    ] },
    Object { name: "NodeRepairConfigOverride", fields: &[
        ("minRepairWaitTimeMins", Shape::Scalar), ("nodeMonitoringCondition", Shape::Scalar),
        ("nodeUnhealthyReason", Shape::Scalar), ("repairAction", Shape::Scalar),
    ] },
    Object { name: "NodeResourcesFitConfig", fields: &[
        ("scoringStrategy", Shape::Object("ScoringStrategy")),
    ] },
    Object { name: "OIDCIdentityProvider", fields: &[
        ("clientID", Shape::Scalar), ("groupsClaim", Shape::Scalar),
        ("groupsPrefix", Shape::Scalar), ("issuerURL", Shape::Scalar), ("name", Shape::Scalar),
        ("requiredClaims", Shape::Map(&Shape::Scalar)), ("tags", Shape::Map(&Shape::Scalar)),
        ("usernameClaim", Shape::Scalar), ("usernamePrefix", Shape::Scalar),
    ] },
    Object { name: "Outpost", fields: &[
        ("controlPlaneInstanceType", Shape::Scalar), ("controlPlaneOutpostARN", Shape::Scalar),
        ("controlPlanePlacement", Shape::Object("Placement")), ("etcdInstanceType", Shape::Scalar),
        ("etcdPlacement", Shape::Object("Placement")),
    ] },
    Object { name: "Placement", fields: &[
        ("groupName", Shape::Scalar), ("spreadLevel", Shape::Scalar),
    ] },
    Object { name: "PodIdentityAssociation", fields: &[
        ("createServiceAccount", Shape::Scalar), ("disableSessionTags", Shape::Scalar),
        ("namespace", Shape::Scalar), ("permissionPolicy", Shape::Any),
        ("permissionPolicyARNs", Shape::List(&Shape::Scalar)),
        ("permissionPolicyName", Shape::Scalar), ("permissionsBoundaryARN", Shape::Scalar),
        ("policy", Shape::Scalar), ("roleARN", Shape::Scalar), ("roleName", Shape::Scalar),
        ("serviceAccountName", Shape::Scalar), ("tags", Shape::Map(&Shape::Scalar)),
        ("targetRoleARN", Shape::Scalar), ("wellKnownPolicies", Shape::Object("WellKnownPolicies")),
    ] },
    Object { name: "PrivateCluster", fields: &[
        ("additionalEndpointServices", Shape::List(&Shape::Scalar)), ("enabled", Shape::Scalar),
        ("skipEndpointCreation", Shape::Scalar),
    ] },
    Object { name: "RemoteNetwork", fields: &[
        ("cidrs", Shape::List(&Shape::Scalar)),
    ] },
    Object { name: "RemoteNetworkConfig", fields: &[
        ("iam", Shape::Object("RemoteNodesIAM")),
        ("remoteNodeNetworks", Shape::List(&Shape::Object("RemoteNetwork"))),
        ("remotePodNetworks", Shape::List(&Shape::Object("RemoteNetwork"))),
        ("vpcGatewayID", Shape::Scalar),
    ] },
    Object { name: "RemoteNodesIAM", fields: &[
        ("caBundleCert", Shape::Scalar), ("provider", Shape::Scalar), ("roleARN", Shape::Scalar),
    ] },
    Object { name: "ResourceWeight", fields: &[
        ("name", Shape::Scalar), ("weight", Shape::Scalar),
    ] },
    Object { name: "RollbackConfig", fields: &[
        ("timeoutMinutes", Shape::Scalar),
    ] },
    Object { name: "SSOIdentity", fields: &[
        ("id", Shape::Scalar), ("type", Shape::Scalar),
    ] },
    Object { name: "ScoringStrategy", fields: &[
        ("resources", Shape::List(&Shape::Object("ResourceWeight"))), ("type", Shape::Scalar),
    ] },
    Object { name: "SecretsEncryption", fields: &[
        ("keyARN", Shape::Scalar),
    ] },
    Object { name: "ServiceNodePortRange", fields: &[
        ("maxPort", Shape::Scalar), ("minPort", Shape::Scalar),
    ] },
    Object { name: "UpgradePolicy", fields: &[
        ("supportType", Shape::Scalar),
    ] },
    Object { name: "VolumeMapping", fields: &[
        ("snapshotID", Shape::Scalar), ("volumeEncrypted", Shape::Scalar),
        ("volumeIOPS", Shape::Scalar), ("volumeKmsKeyID", Shape::Scalar),
        ("volumeName", Shape::Scalar), ("volumeSize", Shape::Scalar),
        ("volumeThroughput", Shape::Scalar), ("volumeType", Shape::Scalar),
    ] },
    Object { name: "WellKnownPolicies", fields: &[
        ("autoScaler", Shape::Scalar), ("awsLoadBalancerController", Shape::Scalar),
        ("certManager", Shape::Scalar), ("ebsCSIController", Shape::Scalar),
        ("efsCSIController", Shape::Scalar), ("externalDNS", Shape::Scalar),
        ("imageBuilder", Shape::Scalar),
    ] },
    Object { name: "ZonalShiftConfig", fields: &[
        ("enabled", Shape::Scalar),
    ] },
];
