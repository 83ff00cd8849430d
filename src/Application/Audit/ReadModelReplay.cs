using JasperFx.Events;
using Npq.Application.Declarations;
using Npq.Application.NpqApplications;
using Npq.Application.Outcomes;
using Npq.Application.Participants;
using Npq.Application.Statements;
using Npq.Domain.Declarations;
using Npq.Domain.NpqApplications;

namespace Npq.Application.Audit;

/// <summary>
/// Rebuilds every read model in memory from events alone, in the order given (the global sequence),
/// through the projections' own transitions: <see cref="DeclarationViewProjection.Evolve"/>,
/// <see cref="OutcomeViewProjection.Evolve"/>, <see cref="StatementViewProjection.Evolve"/> and the person projector. Serves the auditors'
/// "state as of" (ADR 0012); the commands rebuild batch by batch instead (ADR 0028), in bounded memory.
/// </summary>
public sealed class ReadModelReplay
{
    private static readonly DeclarationViewProjection DeclarationProjection = new();
    private static readonly StatementViewProjection StatementProjection = new();
    private static readonly OutcomeViewProjection OutcomeProjection = new();

    private readonly ParticipantApplicationsProjector _people = new([], []);
    private readonly Dictionary<Guid, DeclarationView> _declarations = [];
    private readonly Dictionary<Guid, List<Guid>> _declarationsOfApplication = [];
    private readonly Dictionary<Guid, IEvent> _submissions = [];
    private readonly List<OutcomeView> _outcomes = [];
    private readonly Dictionary<Guid, StatementView> _statements = [];

    public void Apply(IEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var data = e.Data;
        if (ParticipantApplicationsProjector.Events.Contains(data))
            _people.Apply(e.StreamId, data);

        if (data is ApplicationTransferred transfer)
        {
            foreach (var id in _declarationsOfApplication.GetValueOrDefault(transfer.ApplicationId) ?? [])
                _declarations[id] = DeclarationProjection.Evolve(_declarations[id], id, e)!;
        }
        else if (DeclarationViewProjection.Events.Contains(data))
        {
            _declarations.TryGetValue(e.StreamId, out var current);
            var next = DeclarationProjection.Evolve(current, e.StreamId, e)!;
            _declarations[next.Id] = next;
            if (data is DeclarationSubmitted submitted)
            {
                _submissions[e.StreamId] = e;
                if (!_declarationsOfApplication.TryGetValue(submitted.ApplicationId, out var list))
                    _declarationsOfApplication[submitted.ApplicationId] = list = [];
                list.Add(next.Id);
            }

            if (data is OutcomeRecorded)
                _outcomes.Add(OutcomeProjection.Evolve(OutcomeProjection.Evolve(null, ((OutcomeRecorded)data).OutcomeId, _submissions[e.StreamId]), ((OutcomeRecorded)data).OutcomeId, e)!);
        }

        if (StatementViewProjection.Events.Contains(data))
        {
            _statements.TryGetValue(e.StreamId, out var current);
            if (StatementProjection.Evolve(current, e.StreamId, e) is { } next)
                _statements[e.StreamId] = next;
        }
    }

    public IReadOnlyCollection<ParticipantView> Participants => _people.Participants;

    public IReadOnlyCollection<ApplicationView> Applications => _people.Applications;

    public IReadOnlyCollection<DeclarationView> Declarations => _declarations.Values;

    public IReadOnlyCollection<OutcomeView> Outcomes => _outcomes;

    public IReadOnlyCollection<StatementView> Statements => _statements.Values;
}
