using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using DrPortal.Core.Notifications;

namespace DrPortal.Infrastructure.Notifications;

/// <summary>Sends a message to a webhook target: its method and URL, its headers (decrypted only here), the rendered body.</summary>
internal sealed class WebhookSender(IHttpClientFactory clients, NotificationSecrets secrets)
{
    public const string ClientName = "notifications";

    /// <summary>Without a template the message goes as plain text.</summary>
    public static string RenderBody(NotificationTarget target, NotificationMessage message) =>
        string.IsNullOrWhiteSpace(target.BodyTemplate) ? message.Body : NotificationTemplate.Render(target.BodyTemplate, message.Fields);

    public async Task<string> SendAsync(NotificationTarget target, NotificationMessage message, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(new HttpMethod(target.Method), target.Url);
        string? contentType = null;
        foreach (var header in target.Headers)
        {
            var value = secrets.Unprotect(header.Value);
            if (string.Equals(header.Name, "Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                contentType = value;
            }
            else
            {
                request.Headers.TryAddWithoutValidation(header.Name, value);
            }
        }
        if (request.Method != HttpMethod.Get)
        {
            var body = RenderBody(target, message);
            var json = target.BodyTemplate is { } t && NotificationTemplate.IsJson(t);
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType ?? (json ? "application/json; charset=utf-8" : "text/plain; charset=utf-8"));
        }
        using var client = clients.CreateClient(ClientName);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        var status = string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
        // Only the status is reported: a response body may echo the request, token included.
        return response.IsSuccessStatusCode ? status : throw new HttpRequestException($"The webhook answered {status}.");
    }
}
