using Orchestrator.Storage.Database;

namespace Orchestrator.Storage.Tests;

public sealed class SequentialIdsTests
{
    [Fact]
    public void Ids_made_in_one_millisecond_increase_in_the_order_they_were_made_and_are_uuid_v7()
    {
        var frozen = new TestTime(); // never advances: every id asks for the same millisecond
        var ids = Enumerable.Range(0, 10_000).Select(_ => SequentialIds.Next(frozen)).ToList();
        for (var i = 1; i < ids.Count; i++)
            Assert.True(string.CompareOrdinal(ids[i - 1], ids[i]) < 0, $"{ids[i - 1]} !< {ids[i]}");
        Assert.All(ids.Take(50), id =>
        {
            var guid = Guid.Parse(id);
            Assert.Equal(7, guid.Version);
            Assert.Equal(0x8, guid.Variant & 0xC); // RFC 9562 variant bits 10xx
        });
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }
}
