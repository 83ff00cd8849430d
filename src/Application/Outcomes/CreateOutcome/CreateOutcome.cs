using FluentValidation;
using System.Globalization;
using System.Text.RegularExpressions;
using Marten;
using Mediator;
using Npq.Application.Common;
using Npq.Application.Common.Errors;
using Npq.Application.Declarations;
using Npq.Application.Participants;
using Npq.Domain.Common;
using Npq.Domain.Courses;
using Npq.Domain.Declarations;

namespace Npq.Application.Outcomes.CreateOutcome;

/// <summary>The provider records an outcome for a participant's completed declaration (CONTRACT §3.11).</summary>
public sealed record CreateOutcome(Caller Caller, Guid ParticipantId, string? CourseIdentifier, string? State, string? CompletionDate)
    : ICommand<OutcomeView>, ILeadProviderRequest;

public sealed partial class CreateOutcomeHandler(IDocumentSession session, IWriteLocks locks, TimeProvider time) : ICommandHandler<CreateOutcome, OutcomeView>
{
    private static readonly DeclarationState[] Counted =
        [DeclarationState.Submitted, DeclarationState.Eligible, DeclarationState.Payable, DeclarationState.Paid, DeclarationState.Ineligible];

    public async ValueTask<OutcomeView> Handle(CreateOutcome command, CancellationToken cancellationToken)
    {
        var participant = await ParticipantAccess.LoadVisibleAsync(session, command.ParticipantId, command.Caller, goneForRetired: false, cancellationToken);
        await locks.LockParticipantAsync(session, participant.Id, cancellationToken);

        var errors = new List<DomainError>();
        var course = Courses.Find(command.CourseIdentifier);
        if (course is not { HasOutcomes: true })
            errors.Add(new("course_identifier", "The '#/course_identifier' must be an NPQ course with outcomes"));
        if (command.State is not (OutcomeStates.Passed or OutcomeStates.Failed))
        {
            errors.Add(new("state", command.State == OutcomeStates.Voided
                ? "An outcome cannot be voided here: void the completed declaration instead"
                : "The '#/state' must be passed or failed"));
        }

        // Like the reference, the pattern is not anchored; a matching but impossible date is a 400.
        var match = command.CompletionDate is null ? Match.Empty : DatePattern().Match(command.CompletionDate);
        DateOnly? completionDate = null;
        if (!match.Success)
            errors.Add(new("completion_date", "The '#/completion_date' must be a date, like 2025-07-31"));
        else if (DateOnly.TryParseExact(match.Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
            completionDate = parsed;
        else
            throw new BadRequestException($"The '#/completion_date' '{match.Value}' is not a real date");

        var providerId = command.Caller.ProviderId;
        var participantId = participant.Id;
        var completed = course is null
            ? []
            : await session.Query<DeclarationView>()
                // The caller's own completed declarations and, after a transfer, those of the application
                // it now owns (NPQ-3919, issue 26): the new owner records the outcome of training the
                // old provider declared complete.
                .Where(d => d.ParticipantId == participantId && (d.LeadProviderId == providerId || d.OwnerProviderId == providerId)
                            && d.DeclarationType == DeclarationTypes.Completed && d.CourseIdentifier == course.Identifier && Counted.Contains(d.State))
                .OrderByDescending(d => d.CreatedAt)
                .ToListAsync(cancellationToken);
        if (errors.Count == 0 && completed.Count == 0)
            errors.Add(new("base", "The participant has no completed declaration for this course: submit one first"));
        if (completionDate is { } date && date > time.Today())
            errors.Add(new("completion_date", "The '#/completion_date' cannot be in the future"));
        if (errors.Count > 0)
            throw new RuleViolationException(errors);

        var target = completed[0];
        // The latest outcome of the declaration the new one would record against, whoever recorded it.
        var targetId = target.Id;
        var latest = await session.Query<OutcomeView>()
            .Where(o => o.ParticipantId == participantId && o.DeclarationId == targetId) // the participant's index, then the declaration
            .OrderByDescending(o => o.CreatedAt)
            .FirstOrDefaultAsync(cancellationToken);
        if (latest is not null && latest.State == command.State
            && (latest.CompletionDate == completionDate || latest.State == OutcomeStates.Passed))
        {
            return latest; // a repeat (HEAD: passed after passed, whatever the date)
        }

        var stream = (await session.FetchDeclarationAsync(target.Id, cancellationToken))!;
        var outcomeId = Guid.CreateVersion7(time.GetUtcNow());
        stream.AppendOne(new OutcomeRecorded(target.Id, outcomeId, command.State!, completionDate!.Value, time.GetUtcNow()));
        await session.SaveChangesAsync(cancellationToken);
        return (await session.LoadAsync<OutcomeView>(outcomeId, cancellationToken))!;
    }

    [GeneratedRegex(@"[0-9]{4}-[0-9]{2}-[0-9]{2}")]
    private static partial Regex DatePattern();
}

/// <summary>The input limits of <see cref="CreateOutcome"/>, checked by <c>ValidationBehaviour</c> before the handler (issue 14); rules that need stored data stay in the decision.</summary>
public sealed class CreateOutcomeValidator : AbstractValidator<CreateOutcome>
{
    public CreateOutcomeValidator()
    {
        RuleFor(x => x.CourseIdentifier).WireText("course_identifier");
        RuleFor(x => x.State).WireText("state");
        RuleFor(x => x.CompletionDate).WireText("completion_date");
    }
}
