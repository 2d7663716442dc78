//! `Cloud`: the SDK-backed `Provider`. Loads the standard AWS configuration once (credentials,
//! `AWS_ENDPOINT_URL`, profiles), shares one client per service, reads all services
//! concurrently and dispatches writes to the kind's file through the registry (`kinds::ops`).

use super::asg::Asg;
use super::eks_nodegroup::Nodegroups;
use super::kinds::{self, Clients};
use super::tg_attach::{self, TargetGroupAttachments};
use super::{AwsError, Provider, ResolvedResource};
use aws_config::{BehaviorVersion, Region};
use eksform_core::live::{LiveResource, LiveState};
use eksform_core::model::{External, Kind};

pub struct Cloud {
    account: super::Account,
    clients: Clients,
    stack_outputs: super::stack_outputs::StackOutputs,
    stacks: super::stack::Stacks,
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
        self.clients
            .nodegroups
            .last_unsuccessful(cluster, names)
            .await
    }

    /// Zones and AMIs: the account facts a plan needs before the model is built.
    pub fn account(&self) -> &super::Account {
        &self.account
    }

    /// The same, with Auto Scaling calls going through `client` (tests install interceptors in
    /// it to answer what the local endpoint cannot, such as instance refreshes).
    pub fn with_autoscaling(mut self, client: aws_sdk_autoscaling::Client) -> Cloud {
        self.clients.attachments = TargetGroupAttachments::from_client(client.clone());
        self.clients.asg = Asg::from_client(client);
        self
    }

    /// The same, with EKS nodegroup calls going through `client` (tests install interceptors
    /// in it to report the Auto Scaling group the local endpoint never creates).
    pub fn with_nodegroups(mut self, client: aws_sdk_eks::Client) -> Cloud {
        self.clients.nodegroups = Nodegroups::from_client(client);
        self
    }

    /// Builds the clients from an already loaded configuration.
    pub fn from_conf(conf: &aws_config::SdkConfig) -> Cloud {
        let conf = conf.clone();
        Cloud {
            account: super::Account::new(&conf),
            clients: Clients::new(&conf),
            stack_outputs: super::stack_outputs::StackOutputs::new(&conf),
            stacks: super::stack::Stacks::new(&conf),
        }
    }
}

impl Provider for Cloud {
    async fn read(&self, cluster: &str, external: &[External]) -> Result<LiveState, AwsError> {
        // Each call retries its own transient failures (retry.rs): a throttled call is sent
        // again, never a whole service's read.
        let c = &self.clients;
        // Kinds that read themselves (`AwsKind::read`), alongside the services' batched reads.
        let own = futures::future::try_join_all(
            Kind::ALL
                .into_iter()
                .filter_map(|k| kinds::ops(k).read(c, cluster)),
        );
        let (ec2, lt, iam, eks, elb, asg, nodegroups, access, own) = tokio::try_join!(
            c.ec2.read(cluster, external),
            c.lt.read(cluster),
            c.iam.read(cluster),
            c.eks.read(cluster),
            c.elb.read(cluster),
            c.asg.read(cluster),
            c.nodegroups.read(cluster),
            c.access.read(cluster),
            own,
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
            .chain(own.into_iter().flatten())
        {
            state.insert(checked(r));
        }
        // Attachments need the nodegroups' Auto Scaling groups and the owned target groups.
        let ours = tg_attach::ours(&state, external);
        for r in c.attachments.read(&state, &ours).await? {
            state.insert(checked(r));
        }
        Ok(state)
    }

    async fn create(&self, cluster: &str, r: &ResolvedResource) -> Result<LiveResource, AwsError> {
        kinds::ops(r.kind)
            .create(&self.clients, cluster, r)
            .await
            .map(checked)
    }

    async fn update(
        &self,
        r: &ResolvedResource,
        live: &LiveResource,
        fields: &[String],
    ) -> Result<LiveResource, AwsError> {
        kinds::ops(r.kind)
            .update(&self.clients, r, live, fields)
            .await
            .map(checked)
    }

    async fn delete(&self, live: &LiveResource) -> Result<(), AwsError> {
        kinds::ops(live.kind).delete(&self.clients, live).await
    }
}

/// A resource as read (or as a create or update left it), checked in debug builds, so in every
/// test, against its kind's schema: a property its kind does not declare is a reader's bug
/// (the diff would ignore it). Release builds skip the check.
fn checked(r: LiveResource) -> LiveResource {
    debug_assert!(
        r.undeclared().is_empty(),
        "{} ({}): read properties its kind does not declare: {:?}",
        r.address,
        r.kind.schema().name,
        r.undeclared()
    );
    r
}
