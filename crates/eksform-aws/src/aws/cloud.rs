//! `Cloud`: the SDK-backed `Provider`. Loads the standard AWS configuration once (credentials,
//! `AWS_ENDPOINT_URL`, profiles), shares one client per service, reads all services
//! concurrently and dispatches writes to the module that owns the kind.

use super::asg::Asg;
use super::ec2::Ec2;
use super::eks::Eks;
use super::eks_access::AccessEntries;
use super::eks_nodegroup::Nodegroups;
use super::elb::Elb;
use super::iam::Iam;
use super::launch_template::LaunchTemplates;
use super::tg_attach::{self, TargetGroupAttachments};
use super::{AwsError, Provider, ResolvedResource};
use aws_config::{BehaviorVersion, Region};
use eksform_core::live::{LiveResource, LiveState};
use eksform_core::model::{External, Kind};

pub struct Cloud {
    account: super::Account,
    ec2: Ec2,
    lt: LaunchTemplates,
    iam: Iam,
    eks: Eks,
    nodegroups: Nodegroups,
    access: AccessEntries,
    elb: Elb,
    asg: Asg,
    attachments: TargetGroupAttachments,
    stack_outputs: super::stack_outputs::StackOutputs,
    stacks: super::stack::Stacks,
}

enum Service {
    Ec2,
    LaunchTemplate,
    Iam,
    Eks,
    Nodegroup,
    Access,
    Elb,
    Asg,
    Attachment,
}

fn service_of(kind: Kind) -> Service {
    match kind {
        Kind::Vpc
        | Kind::Subnet
        | Kind::InternetGateway
        | Kind::ElasticIp
        | Kind::NatGateway
        | Kind::RouteTable
        | Kind::SecurityGroup
        | Kind::SecurityGroupRule => Service::Ec2,
        Kind::LaunchTemplate => Service::LaunchTemplate,
        Kind::IamRole | Kind::InstanceProfile => Service::Iam,
        Kind::Cluster => Service::Eks,
        Kind::LoadBalancer | Kind::TargetGroup | Kind::Listener => Service::Elb,
        Kind::AutoscalingGroup => Service::Asg,
        Kind::Nodegroup => Service::Nodegroup,
        Kind::AccessEntry => Service::Access,
        Kind::TargetGroupAttachment => Service::Attachment,
    }
}

impl Cloud {
    /// Loads the standard AWS configuration chain; `region` (from `metadata.region`) wins over
    /// the environment's region.
    pub async fn connect(region: &str) -> Result<Cloud, AwsError> {
        Ok(Cloud::for_region(&Cloud::load_conf().await?, region))
    }

    /// The standard AWS configuration chain with eksform's retry policy (retry.rs), loaded
    /// once per process (later calls get the same): every client built from it, for any
    /// cluster, region or the lock, shares one HTTP client (one connection pool per endpoint,
    /// the trusted certificates loaded once) and one credentials cache (credentials are
    /// resolved once, before the first call, failing at once when there are none).
    pub async fn load_conf() -> Result<aws_config::SdkConfig, AwsError> {
        static CONF: tokio::sync::OnceCell<aws_config::SdkConfig> =
            tokio::sync::OnceCell::const_new();
        let load = || async {
            let conf = aws_config::defaults(BehaviorVersion::latest())
                .retry_config(super::retry::config())
                .http_client(super::http::shared_client())
                .region(super::credentials::default_region())
                .load()
                .await;
            super::credentials::resolved(conf).await
        };
        CONF.get_or_try_init(load).await.cloned()
    }

    /// Clients for `region` (it wins over the environment's) over `conf`'s HTTP client and
    /// credentials.
    pub fn for_region(conf: &aws_config::SdkConfig, region: &str) -> Cloud {
        let conf = conf
            .to_builder()
            .region(Region::new(region.to_string()))
            .build();
        Cloud::from_conf(&conf)
    }

    /// Outputs of stacks eksform does not own (`vpc.fromStack`), read before the model is built.
    pub fn stack_outputs(&self) -> &super::stack_outputs::StackOutputs {
        &self.stack_outputs
    }

    /// The cluster's own stack, for `--engine cloudformation`.
    pub fn stacks(&self) -> &super::stack::Stacks {
        &self.stacks
    }

    /// Managed node groups whose latest version update failed or was cancelled, by name: the
    /// plan says why their roll is pending.
    pub async fn unfinished_nodegroup_rolls(
        &self,
        cluster: &str,
        names: &[String],
    ) -> Result<std::collections::BTreeMap<String, super::ng_update::Ended>, AwsError> {
        self.nodegroups.last_unsuccessful(cluster, names).await
    }

    /// Zones and AMIs: the account facts a plan needs before the model is built.
    pub fn account(&self) -> &super::Account {
        &self.account
    }

    /// The same, with Auto Scaling calls going through `client` (tests install interceptors in
    /// it to answer what the local endpoint cannot, such as instance refreshes).
    pub fn with_autoscaling(mut self, client: aws_sdk_autoscaling::Client) -> Cloud {
        self.attachments = TargetGroupAttachments::from_client(client.clone());
        self.asg = Asg::from_client(client);
        self
    }

    /// The same, with EKS nodegroup calls going through `client` (tests install interceptors
    /// in it to report the Auto Scaling group the local endpoint never creates).
    pub fn with_nodegroups(mut self, client: aws_sdk_eks::Client) -> Cloud {
        self.nodegroups = Nodegroups::from_client(client);
        self
    }

    /// Builds the clients from an already loaded configuration.
    pub fn from_conf(conf: &aws_config::SdkConfig) -> Cloud {
        let conf = conf.clone();
        Cloud {
            account: super::Account::new(&conf),
            ec2: Ec2::new(&conf),
            lt: LaunchTemplates::new(&conf),
            iam: Iam::new(&conf),
            eks: Eks::new(&conf),
            nodegroups: Nodegroups::new(&conf),
            access: AccessEntries::new(&conf),
            elb: Elb::new(&conf),
            asg: Asg::new(&conf),
            attachments: TargetGroupAttachments::new(&conf),
            stack_outputs: super::stack_outputs::StackOutputs::new(&conf),
            stacks: super::stack::Stacks::new(&conf),
        }
    }
}

impl Provider for Cloud {
    async fn read(&self, cluster: &str, external: &[External]) -> Result<LiveState, AwsError> {
        // Each call retries its own transient failures (retry.rs): a throttled call is sent
        // again, never a whole service's read.
        let (ec2, lt, iam, eks, elb, asg, nodegroups, access) = tokio::try_join!(
            self.ec2.read(cluster, external),
            self.lt.read(cluster),
            self.iam.read(cluster),
            self.eks.read(cluster),
            self.elb.read(cluster),
            self.asg.read(cluster),
            self.nodegroups.read(cluster),
            self.access.read(cluster),
        )?;
        let (ec2_resources, external_status) = ec2;
        let mut state = LiveState {
            external: external_status,
            ..LiveState::default()
        };
        for r in ec2_resources
            .into_iter()
            .chain(lt)
            .chain(iam)
            .chain(eks)
            .chain(elb)
            .chain(asg)
            .chain(nodegroups)
            .chain(access)
        {
            state.insert(r);
        }
        // Attachments need the nodegroups' Auto Scaling groups and the owned target groups.
        let ours = tg_attach::ours(&state, external);
        for r in self.attachments.read(&state, &ours).await? {
            state.insert(r);
        }
        Ok(state)
    }

    async fn create(&self, cluster: &str, r: &ResolvedResource) -> Result<LiveResource, AwsError> {
        match service_of(r.kind) {
            Service::Ec2 => self.ec2.create(cluster, r).await,
            Service::LaunchTemplate => self.lt.create(cluster, r).await,
            Service::Iam => self.iam.create(cluster, r).await,
            Service::Eks => self.eks.create(cluster, r).await,
            Service::Elb => self.elb.create(cluster, r).await,
            Service::Asg => self.asg.create(cluster, r).await,
            Service::Nodegroup => self.nodegroups.create(cluster, r).await,
            Service::Access => self.access.create(cluster, r).await,
            Service::Attachment => self.attachments.create(r).await,
        }
    }

    async fn update(
        &self,
        r: &ResolvedResource,
        live: &LiveResource,
        fields: &[String],
    ) -> Result<LiveResource, AwsError> {
        match service_of(r.kind) {
            Service::Ec2 => self.ec2.update(r, live, fields).await,
            Service::LaunchTemplate => self.lt.update(r, live, fields).await,
            Service::Iam => self.iam.update(r, live, fields).await,
            Service::Eks => self.eks.update(r, live, fields).await,
            Service::Elb => self.elb.update(r, live, fields).await,
            Service::Asg => self.asg.update(r, live, fields).await,
            Service::Nodegroup => self.nodegroups.update(r, live, fields).await,
            Service::Access => self.access.update(r, live, fields).await,
            Service::Attachment => self.attachments.update(r, live, fields).await,
        }
    }

    async fn delete(&self, live: &LiveResource) -> Result<(), AwsError> {
        match service_of(live.kind) {
            Service::Ec2 => self.ec2.delete(live).await,
            Service::LaunchTemplate => self.lt.delete(live).await,
            Service::Iam => self.iam.delete(live).await,
            Service::Eks => self.eks.delete(live).await,
            Service::Elb => self.elb.delete(live).await,
            Service::Asg => self.asg.delete(live).await,
            Service::Nodegroup => self.nodegroups.delete(live).await,
            Service::Access => self.access.delete(live).await,
            Service::Attachment => self.attachments.delete(live).await,
        }
    }
}
