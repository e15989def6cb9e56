using System.Globalization;

namespace DrPortal.Infrastructure.Hypervisors.Proxmox;

/// <summary>A Proxmox VMID: an integer 100..999999999 (pve-common's "pve-vmid" format).</summary>
public readonly record struct VmId
{
    public const int Min = 100;
    public const int Max = 999_999_999;

    public int Value { get; }

    private VmId(int value) => Value = value;

    public static bool IsValid(long value) => value is >= Min and <= Max;

    public static VmId From(int value) =>
        IsValid(value) ? new VmId(value) : throw new ArgumentOutOfRangeException(nameof(value), value, ErrorMessage);

    public static bool TryParse(string? text, out VmId vmId)
    {
        vmId = default;
        // Same shape as Proxmox's ^[1-9][0-9]{2,8}$: no sign, no leading zero, no spaces.
        if (text is null || text.Length is < 3 or > 9 || text[0] == '0' || !text.All(char.IsAsciiDigit))
        {
            return false;
        }
        vmId = new VmId(int.Parse(text, CultureInfo.InvariantCulture));
        return true;
    }

    public const string ErrorMessage = "VMID must be a whole number from 100 to 999999999.";

    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}
