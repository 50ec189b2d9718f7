# Loads the cmdlets for the PowerShell running this, then imports them.
# - PowerShell 7.4+ (Core): the net8.0 build, into the module's own AssemblyLoadContext (see PSConvolution.Loader);
#   the pattern follows jborean93/PSToml: only PSConvolution.Loader.dll lives in the default context.
# - Windows PowerShell 5.1 (Desktop), and PowerShell 7 before 7.4 (before .NET 8): the netstandard2.0 build from
#   netstandard2.0/, whose loader serves the module's own dependencies through AppDomain.AssemblyResolve (.NET
#   Framework has no load contexts).
# PSCONVOLUTION_LOAD_NETSTANDARD=1 makes PowerShell 7 take the Windows PowerShell path, which is how the tests run
# that path on machines without Windows.
# The loader is loaded with Assembly.LoadFrom rather than Add-Type -Path: in a new session Add-Type first readies
# its compiler, which cost about 175 ms of Import-Module's 380.
$isReload = $true
if ($PSEdition -eq 'Desktop' -or $PSVersionTable.PSVersion -lt [version]'7.4' -or $env:PSCONVOLUTION_LOAD_NETSTANDARD -eq '1') {
    $folder = [System.IO.Path]::Combine($PSScriptRoot, 'netstandard2.0')
    if (-not ('PSConvolution.Loader.DependencyResolver' -as [type])) {
        $isReload = $false
        $null = [System.Reflection.Assembly]::LoadFrom([System.IO.Path]::Combine($folder, 'PSConvolution.Loader.dll'))
    }

    $assembly = [PSConvolution.Loader.DependencyResolver]::LoadModule($folder)
}
else {
    if (-not ('PSConvolution.Loader.ModuleLoadContext' -as [type])) {
        $isReload = $false
        $null = [System.Reflection.Assembly]::LoadFrom([System.IO.Path]::Combine($PSScriptRoot, 'PSConvolution.Loader.dll'))
    }

    $assembly = [PSConvolution.Loader.ModuleLoadContext]::LoadModule([System.IO.Path]::Combine($PSScriptRoot, 'dependencies'))
}

$importModule = $ExecutionContext.InvokeCommand.GetCmdlet('Microsoft.PowerShell.Core\Import-Module')
$inner = & $importModule -Assembly $assembly -PassThru:$isReload
if ($inner) {
    # On a re-import (Import-Module -Force) PowerShell does not export the cmdlets of an assembly it has already
    # seen, so add them to this module by hand.
    $addExportedCmdlet = [System.Management.Automation.PSModuleInfo].GetMethod('AddExportedCmdlet', [System.Reflection.BindingFlags]'Instance, NonPublic')
    foreach ($command in $inner.ExportedCommands.Values) {
        $addExportedCmdlet.Invoke($ExecutionContext.SessionState.Module, @(, $command))
    }
}
