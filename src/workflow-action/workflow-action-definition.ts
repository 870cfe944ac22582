/** Output field names of the persona action; workflows branch on them, so they never change. */
export const PERSONA_OUTPUT_FIELD = 'persona';
export const PERSONA_SCORE_OUTPUT_FIELD = 'persona_score';

export const WORKFLOW_ACTION_UID = 'persona_workflow_action';

/** The parts of a rule set the action definition needs (a structural subset of the engine's RuleSet). */
export interface ActionRuleSetInput {
  readonly property: { readonly label: string };
  readonly unassigned: { readonly id: string; readonly label: string };
  readonly personas: readonly { readonly id: string; readonly name: string }[];
}

export interface WorkflowActionOption {
  readonly value: string;
  readonly label: string;
  readonly displayOrder: number;
}

/** The persona output's enumeration options: one per persona of the rule set, then the unassigned option. */
export function personaOutputOptions(ruleSet: ActionRuleSetInput): WorkflowActionOption[] {
  return [
    ...ruleSet.personas.map((p, i) => ({ value: p.id, label: p.name, displayOrder: i })),
    { value: ruleSet.unassigned.id, label: ruleSet.unassigned.label, displayOrder: ruleSet.personas.length },
  ];
}

/** The `workflow-action` component config of the HubSpot project (platform 2025.2). */
export function buildWorkflowActionHsMeta(options: { actionUrl: string; ruleSet: ActionRuleSetInput }) {
  const label = options.ruleSet.property.label;
  return {
    uid: WORKFLOW_ACTION_UID,
    type: 'workflow-action',
    config: {
      actionUrl: options.actionUrl,
      isPublished: true,
      supportedClients: [{ client: 'WORKFLOWS' }],
      objectTypes: ['CONTACT'],
      inputFields: [],
      outputFields: [
        {
          typeDefinition: {
            name: PERSONA_OUTPUT_FIELD,
            type: 'enumeration',
            fieldType: 'select',
            options: personaOutputOptions(options.ruleSet),
          },
        },
        { typeDefinition: { name: PERSONA_SCORE_OUTPUT_FIELD, type: 'number', fieldType: 'number' } },
      ],
      labels: {
        en: {
          actionName: `Get ${label.toLowerCase()}`,
          actionDescription: `Looks up the contact's ${label.toLowerCase()} (a value set by hand wins over the rules) and its score, so later steps can branch on it.`,
          actionCardContent: `Get the contact's ${label.toLowerCase()}`,
          outputFieldLabels: { [PERSONA_OUTPUT_FIELD]: label, [PERSONA_SCORE_OUTPUT_FIELD]: `${label} score` },
        },
      },
    },
  };
}
