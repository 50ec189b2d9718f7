<#
.SYNOPSIS
    Copies the PowerShell running this script with its assemblies compiled ahead of time (ReadyToRun), as
    PowerShell's own packages ship them, and returns the command that starts the copy.
.DESCRIPTION
    PowerShell's packages (MSI, zip, deb, rpm, tar.gz) ship its assemblies precompiled by crossgen2. The dotnet
    tool from NuGet, which this repository runs, ships them as IL only: every process compiles thousands of
    methods before its first command, and more for any Import-Module. Start-up figures measured on the tool alone
    are therefore not what users' PowerShell does. This script compiles every IL-only assembly in $PSHOME's top
    folder with crossgen2 for the runtime running it (ReadyToRun code is read only by the runtime major version
    that produced it), into out/pwsh-readytorun/<PowerShell version>-net<major>-<rid>, once; later calls reuse it.
    crossgen2 comes from NuGet: the package `dotnet publish -p:PublishReadyToRun=true` restores.

    Returns the command as an array: the dotnet host and the copy's pwsh.dll.
.EXAMPLE
    $pwsh = ./benchmarks/New-PrecompiledPowerShell.ps1; & $pwsh[0] $pwsh[1] -NoProfile -Command '$PSHOME'
#>
[CmdletBinding()]
param(
    [string] $Destination = (Join-Path $PSScriptRoot '../out/pwsh-readytorun')
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$dotnet = if ([IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') { [Environment]::ProcessPath } else { (Get-Command dotnet -CommandType Application | Select-Object -First 1).Source }
$major = [Environment]::Version.Major
$rid = [System.Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier
$target = Join-Path ([IO.Path]::GetFullPath($Destination)) "$($PSVersionTable.PSVersion)-net$major-$rid"
$marker = Join-Path $target '.readytorun'
if ((Test-Path -LiteralPath $marker) -and (Get-Content -LiteralPath $marker -Raw).Trim() -eq $PSHOME) {
    return @($dotnet, (Join-Path $target 'pwsh.dll'))
}

function Test-IlOnly([string] $Path) {
    $stream = [IO.File]::OpenRead($Path)
    try {
        $pe = [System.Reflection.PortableExecutable.PEReader]::new($stream)
        $cor = $pe.PEHeaders.CorHeader
        # A managed assembly without native code: no ReadyToRun header, and not a reference assembly's metadata alone.
        return $null -ne $cor -and $cor.ManagedNativeHeaderDirectory.Size -eq 0 -and $pe.HasMetadata
    }
    catch [BadImageFormatException] { return $false }
    finally { $stream.Dispose() }
}

$work = Join-Path ([IO.Path]::GetTempPath()) ('pwsh-readytorun-' + [guid]::NewGuid().ToString('N'))
New-Item -ItemType Directory -Path $work | Out-Null
try {
    # Ask the SDK which crossgen2 it would use for this runtime and platform (restoring it from NuGet if needed).
    $project = Join-Path $work 'Crossgen2.csproj'
    Set-Content -LiteralPath $project -Value @"
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net$major.0</TargetFramework>
    <RuntimeIdentifier>$rid</RuntimeIdentifier>
    <SelfContained>false</SelfContained>
    <PublishReadyToRun>true</PublishReadyToRun>
  </PropertyGroup>
</Project>
"@
    $json = & $dotnet msbuild $project -restore '-t:ResolveFrameworkReferences;ResolveReadyToRunCompilers' -getItem:Crossgen2Tool -nologo
    if ($LASTEXITCODE -ne 0) { throw "The SDK found no crossgen2 for net$major.0 on $rid`: $($json -join ' ')" }
    $tool = (($json -join "`n") | ConvertFrom-Json).Items.Crossgen2Tool[0]
    $crossgen = @(if ($tool.Identity -like '*.dll') { $dotnet, $tool.Identity } else { $tool.Identity })

    $copy = Join-Path $work 'pwsh'
    Copy-Item -LiteralPath $PSHOME -Destination $copy -Recurse
    $runtime = [System.Runtime.InteropServices.RuntimeEnvironment]::GetRuntimeDirectory()
    $assemblies = @(Get-ChildItem -LiteralPath $PSHOME -Filter *.dll -File | Where-Object { Test-IlOnly $_.FullName })
    $failed = $assemblies | ForEach-Object -ThrottleLimit ([Environment]::ProcessorCount) -Parallel {
        # References: the runtime's assemblies and PowerShell's others (crossgen2 refuses an input among its references).
        $name = $_.Name
        $references = Get-ChildItem -LiteralPath $using:PSHOME -Filter *.dll -File | Where-Object Name -NE $name | ForEach-Object { '-r', $_.FullName }
        $arguments = @($_.FullName, '-o', (Join-Path $using:copy $name), '-r', (Join-Path $using:runtime '*.dll')) + @($references) + @('--targetos', $using:tool.TargetOS, '--targetarch', $using:tool.TargetArch, '-O')
        $command = @($using:crossgen)
        $output = & $command[0] @($command | Select-Object -Skip 1) @arguments 2>&1
        # An assembly crossgen2 cannot compile stays IL, as it would in a package.
        if ($LASTEXITCODE -ne 0) { Copy-Item -LiteralPath $_.FullName -Destination (Join-Path $using:copy $_.Name) -Force; "$($_.Name): $($output -join " | ")" }
    }
    foreach ($line in @($failed)) { if ($line) { Write-Warning "Left as IL: $line" } }

    Set-Content -LiteralPath (Join-Path $copy '.readytorun') -Value $PSHOME
    Remove-Item -LiteralPath $target -Recurse -Force -ErrorAction Ignore
    New-Item -ItemType Directory -Path (Split-Path $target) -Force | Out-Null
    Move-Item -LiteralPath $copy -Destination $target
    Write-Verbose "Precompiled $($assemblies.Count) assemblies of $PSHOME into $target"
}
finally {
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction Ignore
}

@($dotnet, (Join-Path $target 'pwsh.dll'))
