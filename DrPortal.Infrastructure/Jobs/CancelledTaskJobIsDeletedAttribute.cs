using DrPortal.Core.Tasks;
using Hangfire.Common;
using Hangfire.States;

namespace DrPortal.Infrastructure.Jobs;

/// <summary>
/// A task job that ends because its task was cancelled goes to Hangfire's Deleted state with the task's reason rather
/// than Failed: nothing went wrong, and the Failed list stays a list of real failures.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class CancelledTaskJobIsDeletedAttribute : JobFilterAttribute, IElectStateFilter
{
    // After AutomaticRetry (order 20) has let the failure stand.
    public CancelledTaskJobIsDeletedAttribute() => Order = 30;

    public void OnStateElection(ElectStateContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.CandidateState is FailedState { Exception: TaskOutcomeException { Status: DrTaskStatus.Cancelled } cancelled })
        {
            context.CandidateState = new DeletedState { Reason = cancelled.Message };
        }
    }
}
