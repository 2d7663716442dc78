"""The local AWS endpoint's additions to moto (5.2.5), one module per service: what moto lacks or
answers unlike AWS for the calls eksform makes, in the real API's shapes and errors.

- `eks`: access entries, accessConfig, tags of entries and nodegroups, cluster and nodegroup
  updates, CREATING/DELETING states;
- `ec2`: client tokens, NAT gateways releasing their Elastic IP, launch template versions from a
  source version with decoded user data;
- `elbv2`: idempotent CreateLoadBalancer and CreateListener;
- `autoscaling`: instance refreshes, instances launched from any launch template version;
- `cloudformation`: template properties moto drops, and the EKS resource types;
- `logs`: DescribeLogGroups without a null token on its last page;
- `iam`: an OpenID Connect provider's audiences added and removed in place.

Each module's `install()` points its service's routes (moto's registry of a service's handlers)
at a subclass of moto's response class; the docstrings name the few places where moto's own
members are replaced, and why. `scripts/moto_server.py` installs them all and runs moto's server.
See README.md here for the layout, the checks and how to add an operation.
"""


def install():
    """Installs every module's additions; call before moto's server handles a request."""
    from moto_ext import autoscaling, cloudformation, ec2, eks, elbv2, iam, logs

    for module in (eks, ec2, elbv2, autoscaling, cloudformation, logs, iam):
        module.install()
