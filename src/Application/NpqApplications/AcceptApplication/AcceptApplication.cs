using FluentValidation;
using Mediator;
using Npq.Application.Common;

namespace Npq.Application.NpqApplications.AcceptApplication;

/// <summary>
/// The provider accepts an application (CONTRACT §3.1). <see cref="ScheduleIdentifier"/> is optional:
/// without it the course's schedule for the date of acceptance applies.
/// </summary>
public sealed record AcceptApplication(
    Caller Caller,
    Guid Id,
    bool? FundedPlace,
    string? ScheduleIdentifier) : ICommand<ApplicationView>, ILeadProviderRequest;

/// <summary>The input limits of <see cref="AcceptApplication"/>, checked by <c>ValidationBehaviour</c> before the handler (issue 14); rules that need stored data stay in the decision.</summary>
public sealed class AcceptApplicationValidator : AbstractValidator<AcceptApplication>
{
    public AcceptApplicationValidator() => RuleFor(x => x.ScheduleIdentifier).WireText("schedule_identifier");
}
