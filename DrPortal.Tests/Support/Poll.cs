namespace DrPortal.Tests.Support;

/// <summary>Waiting for something the portal or a host does a moment later, with a deadline that fails the test naming what did not happen.</summary>
public static class Poll
{
    public static async Task UntilAsync(Func<Task<bool>> condition, string failure, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(250);
        }
    }
}
