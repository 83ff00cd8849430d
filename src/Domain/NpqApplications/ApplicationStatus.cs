namespace Npq.Domain.NpqApplications;

public enum ApplicationStatus
{
    Pending,
    Accepted,
    Rejected,
}

public enum TrainingStatus
{
    Active,
    Deferred,
    Withdrawn,
}
