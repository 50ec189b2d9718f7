# Loads the cmdlets into the module's own AssemblyLoadContext (see PSConvolution.Loader), then imports them.
# The pattern follows jborean93/PSToml: only PSConvolution.Loader.dll lives in the default context.
$isReload = $true
if (-not ('PSConvolution.Loader.ModuleLoadContext' -as [type])) {
    $isReload = $false
    Add-Type -Path ([System.IO.Path]::Combine($PSScriptRoot, 'PSConvolution.Loader.dll'))
}

$assembly = [PSConvolution.Loader.ModuleLoadContext]::LoadModule([System.IO.Path]::Combine($PSScriptRoot, 'dependencies'))
$importModule = Get-Command -Name Import-Module -Module Microsoft.PowerShell.Core
$inner = & $importModule -Assembly $assembly -PassThru:$isReload
if ($inner) {
    # On a re-import (Import-Module -Force) PowerShell does not export the cmdlets of an assembly it has already
    # seen, so add them to this module by hand.
    $addExportedCmdlet = [System.Management.Automation.PSModuleInfo].GetMethod('AddExportedCmdlet', [System.Reflection.BindingFlags]'Instance, NonPublic')
    foreach ($command in $inner.ExportedCommands.Values) {
        $addExportedCmdlet.Invoke($ExecutionContext.SessionState.Module, @(, $command))
    }
}
