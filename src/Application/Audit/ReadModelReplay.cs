using Npq.Application.Declarations;
using Npq.Application.NpqApplications;
using Npq.Application.Outcomes;
using Npq.Application.Participants;
using Npq.Application.Statements;
using Npq.Domain.NpqApplications;

namespace Npq.Application.Audit;

/// <summary>
/// Rebuilds every read model from events alone, in the order given (the global sequence), with the
/// same pure appliers the inline projections use. Serves the auditors' "state as of" and the
/// <c>projections verify|rebuild</c> commands (ADR 0012).
/// </summary>
public sealed class ReadModelReplay
{
    private readonly ParticipantApplicationsProjector _people = new([], []);
    private readonly Dictionary<Guid, DeclarationView> _declarations = [];
    private readonly List<OutcomeView> _outcomes = [];
    private readonly Dictionary<Guid, StatementView> _statements = [];

    public void Apply(Guid streamId, object data)
    {
        if (ParticipantApplicationsProjector.Handles(data))
            _people.Apply(streamId, data);

        if (data is ApplicationTransferred transfer)
        {
            foreach (var declaration in _declarations.Values.Where(d => d.ApplicationId == transfer.ApplicationId))
                declaration.OwnerProviderId = transfer.ToLeadProviderId;
        }
        else if (DeclarationViewProjection.Handles(data))
        {
            _declarations.TryGetValue(streamId, out var current);
            var next = DeclarationViewProjection.Apply(current, data, _outcomes);
            _declarations[next.Id] = next;
        }

        if (data is Domain.Statements.StatementOpened or Domain.Statements.StatementLineAdded or Domain.Statements.StatementLineStateChanged
            or Domain.Statements.StatementMarkedPayable or Domain.Statements.StatementMarkedPaid)
        {
            _statements.TryGetValue(streamId, out var current);
            _statements[streamId] = StatementViewProjection.Apply(current, data);
        }
    }

    public IReadOnlyCollection<ParticipantView> Participants => _people.Participants;

    public IReadOnlyCollection<ApplicationView> Applications => _people.Applications;

    public IReadOnlyCollection<DeclarationView> Declarations => _declarations.Values;

    public IReadOnlyCollection<OutcomeView> Outcomes => _outcomes;

    public IReadOnlyCollection<StatementView> Statements => _statements.Values;
}
