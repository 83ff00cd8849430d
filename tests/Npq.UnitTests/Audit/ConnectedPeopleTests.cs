using Npq.Application.Audit;

namespace Npq.UnitTests.Audit;

/// <summary>
/// The grouping of the bulk rebuild (ADR 0028) in its flat arrays: growing past its first size and
/// rehashing, it groups exactly as a plain reference does, and packs whole groups into batches.
/// </summary>
public sealed class ConnectedPeopleTests
{
    [Theory]
    [InlineData(16, 1)]
    [InlineData(16, 7)]
    [InlineData(20_000, 250)]
    public void Groups_whole_people_into_batches_in_the_order_they_first_appear_whatever_its_starting_size(int expected, int maxStreams)
    {
        var random = new Random(42);
        var people = new ConnectedPeople(expected);
        var reference = new Dictionary<Guid, HashSet<Guid>>(); // each id's group, merged naively
        var firstSeen = new Dictionary<Guid, long>();
        var ids = new List<Guid>();
        for (long sequence = 1; sequence <= 12_000; sequence++)
        {
            // Mostly a new person with one stream; sometimes an event of an existing stream naming another person.
            var stream = ids.Count > 0 && random.Next(4) == 0 ? ids[random.Next(ids.Count)] : Guid.NewGuid();
            var named = random.Next(3) == 0 && ids.Count > 0 ? new[] { ids[random.Next(ids.Count)] } : random.Next(2) == 0 ? [Guid.NewGuid()] : [];
            people.Add(sequence, stream, named);

            foreach (var id in named.Prepend(stream))
            {
                if (firstSeen.TryAdd(id, sequence))
                {
                    ids.Add(id);
                    reference[id] = [id];
                }
            }

            foreach (var id in named)
            {
                var (a, b) = (reference[stream], reference[id]);
                if (ReferenceEquals(a, b))
                    continue;
                a.UnionWith(b);
                foreach (var member in b)
                    reference[member] = a;
            }
        }

        people.Streams.ShouldBe(ids.Count);
        people.Events.ShouldBe(12_000);
        var batches = people.Batches(maxStreams);

        // Every stream once; no group split across batches; a batch over the limit holds one group only.
        batches.SelectMany(b => b).Order().ShouldBe(ids.Order());
        var batchOf = batches.SelectMany((batch, i) => batch.Select(id => (id, i))).ToDictionary(x => x.id, x => x.i);
        foreach (var group in reference.Values.Distinct())
            group.Select(id => batchOf[id]).Distinct().Count().ShouldBe(1);
        foreach (var batch in batches.Where(b => b.Count > maxStreams))
            batch.Select(id => reference[id]).Distinct().Count().ShouldBe(1);

        // Groups come in the order of their first event.
        var firsts = batches.SelectMany(b => b).Select(id => reference[id].Min(member => firstSeen[member])).ToList();
        firsts.ShouldBe(firsts.Order().ToList());
    }
}
