using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using DrPortal.Web.Api;

namespace DrPortal.Tests.Support;

/// <summary>The REST calls the pipeline tests make again and again: create a pair, request a task, wait for it.</summary>
public static class TaskApi
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(3);

    public static async Task<VmPairDto> CreatePairAsync(HttpClient client, int sourceHost, int sourceVm, int targetHost, int targetVm, bool overwrite = false, bool start = true,
        string? replicaStart = null)
    {
        var response = await client.PostAsJsonAsync("/api/v1/pairs", new
        {
            sourceHypervisorId = sourceHost,
            sourceVm = Convert.ToString(sourceVm, CultureInfo.InvariantCulture),
            targetHypervisorId = targetHost,
            targetVm = Convert.ToString(targetVm, CultureInfo.InvariantCulture),
            // The lab's recovery network is its own, so a started replica may be connected there.
            replicaStart = replicaStart ?? (start ? "Connected" : "Off"),
            overwriteExistingTarget = overwrite,
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<VmPairDto>(Json.Options))!;
    }

    public static async Task<TaskAccepted> RequestAsync(HttpClient client, int pairId, string kind, object? body = null)
    {
        var response = await client.PostAsJsonAsync($"/api/v1/pairs/{pairId}/{kind}", body ?? new { });
        Assert.True(response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<TaskAccepted>(Json.Options))!;
    }

    /// <summary>Polls the task until it has finished, whatever the outcome.</summary>
    public static async Task<TaskDto> WaitAsync(HttpClient client, long taskId, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            var task = (await client.GetFromJsonAsync<TaskDto>($"/api/v1/tasks/{taskId}", Json.Options))!;
            if (task.Status is "Succeeded" or "SucceededWithWarnings" or "Failed" or "Cancelled")
            {
                return task;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Task {taskId} still {task.Status} at {task.Stage} after {timeout ?? DefaultTimeout}.");
            }
            await Task.Delay(250);
        }
    }

    /// <summary>Sets a host's bandwidth limit (vzdump's --bwlimit and rsync's) through the API, keeping its other fields.</summary>
    public static async Task SetBandwidthLimitAsync(HttpClient admin, HypervisorDto host, int? kibps)
    {
        var response = await admin.PutAsJsonAsync($"/api/v1/hypervisors/{host.Id}", new
        {
            name = host.Name,
            address = host.Address,
            sshPort = host.SshPort,
            site = host.Site.ToString(),
            sshUser = host.SshUser,
            stagingDirectory = host.StagingDirectory,
            restoreStorage = host.RestoreStorage,
            bandwidthLimitKiBps = kibps,
            note = host.Note,
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
