using DrPortal.Core.Archives;
using DrPortal.Core.Tasks.Pipeline;

namespace DrPortal.Tests.Unit.Pipeline;

/// <summary>The portal's repository as a map of path to content.</summary>
internal sealed class FakeRepository : IArchiveRepository
{
    public Dictionary<string, string> Files { get; } = [];

    public string Root => "/repo";

    public string PathOf(Archive archive, ArchiveFile file) => $"/repo/{archive.SourceHypervisorName}/{archive.SourceVm}/{file.Name}";

    public bool Exists(string path) => Files.ContainsKey(path);

    public long LengthOf(string path) => Files[path].Length;

    public Task<string> Sha256Async(string path, CancellationToken ct) => Task.FromResult(FakeTransport.Sha(Files[path]));

    public void Delete(string path) => Files.Remove(path);

    public List<string> MadeDurable { get; } = [];

    public void MakeDurable(string path) => MadeDurable.Add(path);

    public long FreeBytes(string path) => 1L << 40;
}
