using DrPortal.Infrastructure.Persistence;
using MySqlConnector;

namespace DrPortal.Tests.Unit;

public class DatabaseConnectionTests
{
    [Fact]
    public void A_pooled_connection_is_not_reset_on_every_query_unless_the_connection_string_asks()
    {
        var pooled = new MySqlConnectionStringBuilder(Database.Pooled("Server=127.0.0.1;Database=drportal;User=drportal;Password=x"));
        Assert.False(pooled.ConnectionReset);
        Assert.Equal("drportal", pooled.Database);
    }

    [Theory]
    [InlineData("Server=127.0.0.1;Connection Reset=true")]
    [InlineData("Server=127.0.0.1;ConnectionReset=true")]
    public void An_explicit_connection_reset_is_kept(string connectionString) =>
        Assert.True(new MySqlConnectionStringBuilder(Database.Pooled(connectionString)).ConnectionReset);
}
