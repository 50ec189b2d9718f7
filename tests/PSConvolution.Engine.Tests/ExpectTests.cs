using Xunit;
using Xunit.Sdk;

namespace PSConvolution.Engine.Tests;

/// <summary>The assertion the exhaustive tests use must fail as Assert.True does, and format nothing when it passes.</summary>
public class ExpectTests
{
    [Fact]
    public void AFalseConditionFailsWithTheFormattedMessage()
    {
        int value = 42;
        var e = Assert.ThrowsAny<XunitException>(() => Expect.True(value == 41, $"value {value:X4} at [{value,4}] and [{value,-4}] of {"pixels"}"));
        Assert.Contains("value 002A at [  42] and [42  ] of pixels", e.Message);
    }

    [Fact]
    public void ATrueConditionFormatsNothing()
    {
        int formatted = 0;
        string Counted()
        {
            formatted++;
            return "text";
        }

        for (int i = 0; i < 3; i++)
        {
            Expect.True(i < 3, $"{Counted()} {i}");
        }

        Assert.Equal(0, formatted);
        Assert.ThrowsAny<XunitException>(() => Expect.True(false, $"{Counted()}"));
        Assert.Equal(1, formatted);
    }
}
