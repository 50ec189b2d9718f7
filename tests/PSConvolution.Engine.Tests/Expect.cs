using System;
using System.Runtime.CompilerServices;
using System.Text;
using Xunit;

namespace PSConvolution.Engine.Tests;

/// <summary>
/// <c>Assert.True</c> for checks made millions of times, as over every 8-bit colour or every pixel of an image: its
/// message is formatted only when the check fails. <c>Assert.True(condition, $"...")</c> formats the message on every
/// call, passing or not; the exhaustive tests spent most of their time building strings nobody read.
/// </summary>
internal static class Expect
{
    /// <summary>Fails with <paramref name="message"/>, formatted only then, unless <paramref name="condition"/> holds.</summary>
    public static void True(bool condition, [InterpolatedStringHandlerArgument(nameof(condition))] ref FailureMessage message)
    {
        if (!condition)
        {
            Assert.True(condition, message.ToString());
        }
    }
}

/// <summary>An interpolated message that is formatted only where the condition it goes with is false.</summary>
[InterpolatedStringHandler]
internal ref struct FailureMessage
{
    private readonly StringBuilder? text;

    public FailureMessage(int literalLength, int formattedCount, bool condition, out bool shouldAppend)
    {
        shouldAppend = !condition;
        text = condition ? null : new StringBuilder(literalLength + (formattedCount * 16));
    }

    public void AppendLiteral(string value) => text!.Append(value);

    public void AppendFormatted<T>(T value) => AppendFormatted(value, 0, null);

    public void AppendFormatted<T>(T value, string? format) => AppendFormatted(value, 0, format);

    public void AppendFormatted<T>(T value, int alignment) => AppendFormatted(value, alignment, null);

    // As string interpolation formats a value: IFormattable with the format, in the current culture, then padded.
    public void AppendFormatted<T>(T value, int alignment, string? format)
    {
        string formatted = value is IFormattable formattable ? formattable.ToString(format, null) : value?.ToString() ?? string.Empty;
        text!.Append(alignment < 0 ? formatted.PadRight(-alignment) : formatted.PadLeft(alignment));
    }

    public override readonly string ToString() => text?.ToString() ?? string.Empty;
}
