namespace DrPortal.Core.Notifications;

/// <summary>
/// The one door through which the portal reports an <see cref="OperationalEvent"/>. Publishing never blocks on a
/// delivery and never throws: a dead mail server must not slow or fail the task that noticed something.
/// </summary>
public interface IOperationalEvents
{
    void Publish(OperationalEvent e);
}
