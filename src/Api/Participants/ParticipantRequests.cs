using Npq.Api.Requests;
using Npq.Api.OpenApi;
using Npq.Domain.Declarations;
using Npq.Domain.NpqApplications;

namespace Npq.Api.Participants;

public sealed record DeferRequest : IRequestAttributes
{
    public required string? CourseIdentifier { get; init; }

    [ValuesFrom(typeof(TrainingReasons), nameof(TrainingReasons.Deferral))]
    public required string? Reason { get; init; }
}

public sealed record ResumeRequest : IRequestAttributes
{
    public required string? CourseIdentifier { get; init; }
}

/// <summary>Withdraw (v1, v2): 17 reasons.</summary>
public sealed record WithdrawRequestV1 : IRequestAttributes
{
    public required string? CourseIdentifier { get; init; }

    [ValuesFrom(typeof(TrainingReasons), nameof(TrainingReasons.WithdrawalOriginal))]
    public required string? Reason { get; init; }
}

/// <summary>Withdraw (v3): 21 reasons.</summary>
public sealed record WithdrawRequestV3 : IRequestAttributes
{
    public required string? CourseIdentifier { get; init; }

    [ValuesFrom(typeof(TrainingReasons), nameof(TrainingReasons.WithdrawalExtended))]
    public required string? Reason { get; init; }
}

public sealed record ChangeScheduleRequest : IRequestAttributes
{
    public required string? CourseIdentifier { get; init; }

    public required string? ScheduleIdentifier { get; init; }

    /// <summary>A start year (e.g. <c>2025</c>) or a cohort with its suffix (<c>2025a</c>); defaults to the current one.</summary>
    public string? Cohort { get; init; }
}

public sealed record CreateOutcomeRequest : IRequestAttributes
{
    public required string? CourseIdentifier { get; init; }

    [ValuesFrom(typeof(OutcomeStatesList), nameof(OutcomeStatesList.Submittable))]
    public required string? State { get; init; }

    /// <summary>A date, <c>YYYY-MM-DD</c>, not in the future.</summary>
    public required string? CompletionDate { get; init; }
}

/// <summary>The outcome states a provider may submit (§3.11).</summary>
public static class OutcomeStatesList
{
    public static IReadOnlyList<string> Submittable { get; } = [OutcomeStates.Passed, OutcomeStates.Failed];
}
