//! Which EKS-optimized AMI a node group runs: the name of AWS's public SSM parameter that
//! holds its id, by AMI family, Kubernetes version and the instance type's architecture.
//! Naming it is pure; reading it is the AWS crate's (`aws::Account::resolve_ami`), and a
//! rendered CloudFormation template takes it as a parameter's default.

use crate::config::AmiFamily;

/// The public SSM parameter naming the recommended EKS AMI.
pub fn ami_parameter(family: AmiFamily, version: &str, instance_type: &str) -> String {
    let arm = is_arm(instance_type);
    match family {
        AmiFamily::AmazonLinux2023 => format!(
            "/aws/service/eks/optimized-ami/{version}/amazon-linux-2023/{}/standard/recommended/image_id",
            if arm { "arm64" } else { "x86_64" }
        ),
        AmiFamily::AmazonLinux2 => format!(
            "/aws/service/eks/optimized-ami/{version}/amazon-linux-2{}/recommended/image_id",
            if arm { "-arm64" } else { "" }
        ),
        AmiFamily::Bottlerocket => format!(
            "/aws/service/bottlerocket/aws-k8s-{version}/{}/latest/image_id",
            if arm { "arm64" } else { "x86_64" }
        ),
    }
}

/// Graviton instance families carry a `g` after the generation number (m6g, c7gn, t4g, x2gd)
/// or are the first-generation `a1`.
pub fn is_arm(instance_type: &str) -> bool {
    let family = instance_type.split('.').next().unwrap_or("");
    if family == "a1" {
        return true;
    }
    let Some(digit) = family.find(|c: char| c.is_ascii_digit()) else {
        return false;
    };
    let suffix = family[digit..].trim_start_matches(|c: char| c.is_ascii_digit());
    suffix.contains('g')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graviton_types_are_arm() {
        for t in [
            "m6g.large",
            "c7gn.xlarge",
            "t4g.medium",
            "x2gd.xlarge",
            "a1.large",
            "g5g.xlarge",
        ] {
            assert!(is_arm(t), "{t}");
        }
        for t in [
            "t3.medium",
            "m5.large",
            "g5.xlarge",
            "m5dn.large",
            "inf2.xlarge",
            "p4d.24xlarge",
        ] {
            assert!(!is_arm(t), "{t}");
        }
    }

    #[test]
    fn parameters_follow_aws_naming() {
        assert_eq!(
            ami_parameter(AmiFamily::AmazonLinux2023, "1.34", "t3.medium"),
            "/aws/service/eks/optimized-ami/1.34/amazon-linux-2023/x86_64/standard/recommended/image_id"
        );
        assert_eq!(
            ami_parameter(AmiFamily::AmazonLinux2, "1.30", "m6g.large"),
            "/aws/service/eks/optimized-ami/1.30/amazon-linux-2-arm64/recommended/image_id"
        );
        assert_eq!(
            ami_parameter(AmiFamily::Bottlerocket, "1.34", "t3.medium"),
            "/aws/service/bottlerocket/aws-k8s-1.34/x86_64/latest/image_id"
        );
    }
}
