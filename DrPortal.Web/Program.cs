using DrPortal.Infrastructure;
using DrPortal.Web;
using DrPortal.Web.Security;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddInfrastructure(builder.Configuration);
builder.Services.AddPortalWeb();
builder.UsePortalTls();

var app = builder.Build();

await app.PrepareDatabaseAsync();
app.UsePortal();
await app.RunAsync();

/// <summary>Entry point; public so integration tests can host the portal.</summary>
public partial class Program;
