//! The Kubernetes versions EKS offers, with their support dates: the one table every part of
//! eksform that knows about versions reads (the default `metadata.version`, the check of a
//! given version, which AMI families AWS still publishes for it). Pure data and lookups; it must
//! not read the clock, so that a config means the same thing on every day (the tests do, to say
//! when the table needs a new row).

/// One minor version on AWS's EKS release calendar. Dates are `YYYY-MM-DD`, in UTC as the
/// calendar gives them (so they compare as strings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KubeVersion {
    pub version: &'static str,
    /// When EKS made it available.
    pub eks_release: &'static str,
    /// From this day on a cluster on the version is billed for extended support.
    pub end_of_standard: &'static str,
    /// From this day on EKS creates no cluster on it and upgrades the ones left.
    pub end_of_extended: &'static str,
    /// Whether AWS publishes EKS-optimized Amazon Linux 2 AMIs for it.
    pub al2_amis: bool,
}

const fn row(
    version: &'static str,
    eks_release: &'static str,
    end_of_standard: &'static str,
    end_of_extended: &'static str,
    al2_amis: bool,
) -> KubeVersion {
    KubeVersion {
        version,
        eks_release,
        end_of_standard,
        end_of_extended,
        al2_amis,
    }
}

/// Oldest first. Source: "Amazon EKS Kubernetes release calendar" in
/// <https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html> (1.27 to 1.34).
/// The stored copy of that page predates 1.35: its dates are those endoflife.date/amazon-eks
/// lists from AWS (end of standard support 2027-03-27, of extended support 2028-03-27); its EKS
/// release day is the one standard support's 14 months count from (that site says 2026-01-28).
/// No date for 1.36 was found, so it is not here yet. AWS stopped publishing AL2 AMIs on
/// 2025-11-26; 1.33 and later have none (<https://awslabs.github.io/amazon-eks-ami>).
pub const VERSIONS: &[KubeVersion] = &[
    row("1.27", "2023-05-24", "2024-07-24", "2025-07-24", true),
    row("1.28", "2023-09-26", "2024-11-26", "2025-11-26", true),
    row("1.29", "2024-01-23", "2025-03-23", "2026-03-23", true),
    row("1.30", "2024-05-23", "2025-07-23", "2026-07-23", true),
    row("1.31", "2024-09-26", "2025-11-26", "2026-11-26", true),
    row("1.32", "2025-01-23", "2026-03-23", "2027-03-23", true),
    row("1.33", "2025-05-29", "2026-07-29", "2027-07-29", false),
    row("1.34", "2025-10-02", "2026-12-02", "2027-12-02", false),
    row("1.35", "2026-01-27", "2027-03-27", "2028-03-27", false),
];

/// The newest version of the table: the one in standard support for longest. A test fails once
/// its standard support has ended, so the table gets a new row before users pay for extended
/// support without asking.
pub const DEFAULT: &KubeVersion = &VERSIONS[VERSIONS.len() - 1];

/// The row of `version` (`"1.xx"`), if the table has one.
pub fn find(version: &str) -> Option<&'static KubeVersion> {
    VERSIONS.iter().find(|v| v.version == version)
}

/// The minor number of `"1.xx"`.
pub fn minor(version: &str) -> Option<u32> {
    version.strip_prefix("1.")?.parse().ok()
}

/// Where `version` stands against the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Known {
    Listed(&'static KubeVersion),
    /// Older than every row: past the end of extended support, EKS creates no cluster on it.
    Retired,
    /// Newer than every row: EKS may offer it, eksform does not know its dates yet.
    Newer,
}

pub fn classify(version: &str) -> Known {
    if let Some(row) = find(version) {
        return Known::Listed(row);
    }
    let oldest = minor(VERSIONS[0].version);
    match (minor(version), oldest) {
        (Some(m), Some(o)) if m < o => Known::Retired,
        _ => Known::Newer,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Today's date in UTC as `YYYY-MM-DD`, the form of the calendar's dates.
    fn today() -> String {
        time::OffsetDateTime::now_utc().date().to_string()
    }

    #[test]
    fn the_default_is_still_in_standard_support() {
        let today = today();
        assert!(
            today.as_str() < DEFAULT.end_of_standard,
            "the default version {} left standard support on {} (today is {today}): add the \
             newer versions of AWS's EKS release calendar to VERSIONS",
            DEFAULT.version,
            DEFAULT.end_of_standard
        );
    }

    #[test]
    fn rows_are_in_order_and_their_dates_follow_each_other() {
        for pair in VERSIONS.windows(2) {
            assert_eq!(
                minor(pair[0].version).unwrap() + 1,
                minor(pair[1].version).unwrap()
            );
            assert!(pair[0].eks_release < pair[1].eks_release);
        }
        for v in VERSIONS {
            assert!(v.eks_release < v.end_of_standard, "{v:?}");
            assert!(v.end_of_standard < v.end_of_extended, "{v:?}");
            // AWS's rule: standard support lasts 14 months, extended support 12 more.
            let year = |d: &str| d[..4].parse::<u32>().unwrap();
            assert_eq!(
                year(v.end_of_extended),
                year(v.end_of_standard) + 1,
                "{v:?}"
            );
            assert_eq!(v.end_of_standard[4..], v.end_of_extended[4..], "{v:?}");
        }
    }

    #[test]
    fn versions_outside_the_table_are_retired_or_newer() {
        assert_eq!(classify("1.34"), Known::Listed(find("1.34").unwrap()));
        assert_eq!(classify("1.21"), Known::Retired);
        assert_eq!(classify("1.99"), Known::Newer);
    }
}
