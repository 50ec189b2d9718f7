namespace PSConvolution.Engine.Batch;

/// <summary>What <see cref="OutputLedger.TakeInput"/> decides about an input.</summary>
public enum InputAdmission
{
    /// <summary>A new input: give it an output and claim it.</summary>
    Taken,

    /// <summary>The same file was given before in this batch; it is processed once.</summary>
    Repeated,

    /// <summary>The file is an output of this batch; it is not read back.</summary>
    OwnOutput,
}
