namespace Tempo.Streaming.LiveStore.Tests;

/// <summary>Waits for background work (flush loop, consumers) with a deadline instead of fixed sleeps.</summary>
internal static class Poll
{
    public static Task UntilAsync(Func<bool> condition) => UntilAsync(() => Task.FromResult(condition()));

    public static async Task UntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not reached within 20 s");
            await Task.Delay(10);
        }
    }
}
