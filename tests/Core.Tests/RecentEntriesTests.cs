using MessagingGateway.Core.Store;

namespace MessagingGateway.Core.Tests;

public sealed class RecentEntriesTests
{
    [Fact]
    public void An_entry_is_found_until_two_generations_have_filled_after_it()
    {
        var entries = new RecentEntries<int, string>(capacity: 2);
        entries.Remember(1, "one");
        entries.Remember(2, "two"); // the young generation is full: it becomes the old one

        Assert.True(entries.TryGet(2, out var two));
        Assert.Equal("two", two);

        entries.Remember(3, "three");
        entries.Remember(4, "four"); // turns again: what was old is dropped

        Assert.False(entries.TryGet(1, out _));
        Assert.True(entries.TryGet(3, out _));
    }

    [Fact]
    public void An_entry_used_from_the_old_generation_moves_back_to_the_young_one()
    {
        var entries = new RecentEntries<int, string>(capacity: 2);
        entries.Remember(1, "one");
        entries.Remember(2, "two");
        Assert.True(entries.TryGet(1, out _)); // from the old generation, back into the young

        entries.Remember(3, "three"); // the young one (1, 3) is full and becomes the old one

        Assert.True(entries.TryGet(1, out _));
        Assert.False(entries.TryGet(2, out _));
    }

    [Fact]
    public void Remembering_again_replaces_and_forgetting_or_clearing_removes()
    {
        var entries = new RecentEntries<string, int>(capacity: 10);
        entries.Remember("a", 1);
        entries.Remember("a", 2);
        entries.Remember("b", 3);
        Assert.True(entries.TryGet("a", out var a));
        Assert.Equal(2, a);

        entries.Forget("a");
        Assert.False(entries.TryGet("a", out _));

        entries.Clear();
        Assert.False(entries.TryGet("b", out _));
    }
}
