<#
.SYNOPSIS
    Writes the module's MAML help from docs/help.psd1 and the cmdlets' own parameter metadata.
.DESCRIPTION
    Text (synopsis, descriptions, examples) comes from the data file; syntax, types, positions, pipeline
    binding and wildcard support come from the imported cmdlets, so they can never disagree with the code.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $ContentPath,
    [Parameter(Mandatory)] [string] $OutFile
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath -Force
$content = Import-PowerShellDataFile $ContentPath
$common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
# -WhatIf and -Confirm are documented (Get-Help -Parameter WhatIf works) for cmdlets that support ShouldProcess.
$shouldProcess = @{
    WhatIf  = 'Shows what would happen if the cmdlet runs: which files it would write or replace. Nothing is written, not even a destination folder.'
    Confirm = 'Prompts you for confirmation before writing or replacing each file.'
}

$maml = 'http://schemas.microsoft.com/maml/2004/10'
$command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$dev = 'http://schemas.microsoft.com/maml/dev/2004/10'
$settings = [System.Xml.XmlWriterSettings]::new()
$settings.Indent = $true
$settings.Encoding = [System.Text.UTF8Encoding]::new($false)
$writer = [System.Xml.XmlWriter]::Create($OutFile, $settings)

function Write-Paragraphs([string[]] $Text) {
    $writer.WriteStartElement('maml', 'description', $maml)
    foreach ($line in $Text) { $writer.WriteElementString('maml', 'para', $maml, $line) }
    $writer.WriteEndElement()
}

function Get-PipelineText($Attributes) {
    $byValue = @($Attributes | Where-Object ValueFromPipeline).Count -gt 0
    $byName = @($Attributes | Where-Object ValueFromPipelineByPropertyName).Count -gt 0
    if ($byValue -and $byName) { 'True (ByValue, ByPropertyName)' } elseif ($byValue) { 'True (ByValue)' } elseif ($byName) { 'True (ByPropertyName)' } else { 'False' }
}

function Get-DefaultText($Parameter, $Instance, $Defaults) {
    # The text of help.psd1 where the default depends on the machine; otherwise the value a new cmdlet holds.
    if ($Defaults -and $Defaults.ContainsKey($Parameter.Name)) { return $Defaults[$Parameter.Name] }
    if ($shouldProcess.ContainsKey($Parameter.Name)) { return 'False' }
    $value = $Instance.($Parameter.Name)
    if ($value -is [System.Management.Automation.SwitchParameter]) { return "$($value.IsPresent)" }
    if ($null -eq $value -or ($value -is [Array] -and $value.Count -eq 0) -or ($value -is [string] -and $value -eq '')) { return 'None' }
    if ($value -is [Array]) { return ($value -join ', ') }
    return "$value"
}

function Write-Parameter($Parameter, [string] $Description, $SetAttribute, [string] $Default) {
    $attributes = @($Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] })
    $set = if ($SetAttribute) { @($SetAttribute) } else { $attributes }
    $required = @($set | Where-Object Mandatory).Count -gt 0
    $position = ($set | Where-Object { $_.Position -ge 0 } | Select-Object -First 1).Position
    $wildcards = @($Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] }).Count -gt 0
    $writer.WriteStartElement('command', 'parameter', $command)
    $writer.WriteAttributeString('required', $required.ToString().ToLowerInvariant())
    $writer.WriteAttributeString('variableLength', 'true')
    $writer.WriteAttributeString('globbing', $wildcards.ToString().ToLowerInvariant())
    $writer.WriteAttributeString('pipelineInput', (Get-PipelineText $set))
    $writer.WriteAttributeString('position', $(if ($null -ne $position) { "$($position + 1)" } else { 'named' }))
    $writer.WriteAttributeString('aliases', $(if ($Parameter.Aliases.Count) { $Parameter.Aliases -join ', ' } else { 'none' }))
    $writer.WriteElementString('maml', 'name', $maml, $Parameter.Name)
    Write-Paragraphs @($Description)
    $type = $Parameter.ParameterType
    if ([Nullable]::GetUnderlyingType($type)) { $type = [Nullable]::GetUnderlyingType($type) }
    if ($type -ne [System.Management.Automation.SwitchParameter]) {
        $writer.WriteStartElement('command', 'parameterValue', $command)
        $writer.WriteAttributeString('required', 'true')
        $writer.WriteString($type.Name)
        $writer.WriteEndElement()
    }
    $writer.WriteStartElement('dev', 'type', $dev)
    $writer.WriteElementString('maml', 'name', $maml, $type.FullName)
    $writer.WriteEndElement()
    $writer.WriteElementString('dev', 'defaultValue', $dev, $Default)
    $writer.WriteEndElement()
}

$writer.WriteStartDocument()
$writer.WriteStartElement('helpItems', 'http://msh')
$writer.WriteAttributeString('schema', 'maml')
foreach ($name in 'Invoke-ImageConvolution', 'New-ConvolutionKernel', 'Get-ConvolutionKernel') {
    $help = $content[$name]
    $cmd = Get-Command $name
    $documented = { param($n) $n -notin $common -or ($cmd.ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0].SupportsShouldProcess -and $shouldProcess.ContainsKey($n)) }
    $parameters = $cmd.Parameters.Values | Where-Object { & $documented $_.Name }
    $describe = @{}
    foreach ($key in $help.Parameters.Keys) { $describe[$key] = $help.Parameters[$key] }
    foreach ($key in $shouldProcess.Keys) { if (-not $describe.ContainsKey($key)) { $describe[$key] = $shouldProcess[$key] } }
    foreach ($p in $parameters) { if (-not $describe.ContainsKey($p.Name)) { throw "docs/help.psd1 has no description of $name -$($p.Name)." } }
    $instance = [Activator]::CreateInstance($cmd.ImplementingType)

    $writer.WriteStartElement('command', 'command', $command)
    $writer.WriteAttributeString('xmlns', 'maml', $null, $maml)
    $writer.WriteAttributeString('xmlns', 'dev', $null, $dev)
    $writer.WriteStartElement('command', 'details', $command)
    $writer.WriteElementString('command', 'name', $command, $name)
    $writer.WriteElementString('command', 'verb', $command, $cmd.Verb)
    $writer.WriteElementString('command', 'noun', $command, $cmd.Noun)
    Write-Paragraphs @($help.Synopsis)
    $writer.WriteEndElement()
    Write-Paragraphs $help.Description

    $writer.WriteStartElement('command', 'syntax', $command)
    foreach ($set in $cmd.ParameterSets) {
        $writer.WriteStartElement('command', 'syntaxItem', $command)
        $writer.WriteElementString('maml', 'name', $maml, $name)
        foreach ($sp in $set.Parameters | Where-Object { & $documented $_.Name }) {
            $full = $cmd.Parameters[$sp.Name]
            $setAttribute = $full.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and ($_.ParameterSetName -eq $set.Name -or $_.ParameterSetName -eq '__AllParameterSets') } | Select-Object -First 1
            Write-Parameter $full $describe[$sp.Name] $setAttribute (Get-DefaultText $full $instance $help.Defaults)
        }
        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()

    $writer.WriteStartElement('command', 'parameters', $command)
    foreach ($p in $parameters | Sort-Object Name) { Write-Parameter $p $describe[$p.Name] $null (Get-DefaultText $p $instance $help.Defaults) }
    $writer.WriteEndElement()

    foreach ($kind in @(@{ Items = $help.Inputs; Outer = 'inputTypes'; Inner = 'inputType' }, @{ Items = $help.Outputs; Outer = 'returnValues'; Inner = 'returnValue' })) {
        $writer.WriteStartElement('command', $kind.Outer, $command)
        foreach ($item in $kind.Items) {
            $writer.WriteStartElement('command', $kind.Inner, $command)
            $writer.WriteStartElement('dev', 'type', $dev)
            $writer.WriteElementString('maml', 'name', $maml, $item.Type)
            $writer.WriteEndElement()
            Write-Paragraphs @($item.Description)
            $writer.WriteEndElement()
        }
        $writer.WriteEndElement()
    }

    $writer.WriteStartElement('maml', 'alertSet', $maml)
    $writer.WriteStartElement('maml', 'alert', $maml)
    $writer.WriteElementString('maml', 'para', $maml, $help.Notes)
    $writer.WriteEndElement()
    $writer.WriteEndElement()

    $writer.WriteStartElement('command', 'examples', $command)
    $n = 0
    foreach ($example in $help.Examples) {
        $n++
        $writer.WriteStartElement('command', 'example', $command)
        $writer.WriteElementString('maml', 'title', $maml, "-------------------------- Example $n --------------------------")
        $writer.WriteElementString('dev', 'code', $dev, (@($example.Code) -join "`n"))
        $writer.WriteStartElement('dev', 'remarks', $dev)
        $writer.WriteElementString('maml', 'para', $maml, $example.Remarks)
        $writer.WriteEndElement()
        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()

    $writer.WriteStartElement('command', 'relatedLinks', $command)
    foreach ($link in $help.Links) {
        $writer.WriteStartElement('maml', 'navigationLink', $maml)
        $writer.WriteElementString('maml', 'linkText', $maml, $link)
        $writer.WriteElementString('maml', 'uri', $maml, '')
        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()
    $writer.WriteEndElement()
}
$writer.WriteEndElement()
$writer.WriteEndDocument()
$writer.Dispose()
Write-Host "Help written: $OutFile"
