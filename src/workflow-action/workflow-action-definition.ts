/**
 * The persona workflow action as HubSpot sees it. HubSpot keeps one definition for every account,
 * and output-field options are part of it, so an enumeration output could only list one portal's
 * personas. Instead the persona to check is an input field whose options HubSpot fetches from us
 * per portal (`optionsUrl`) whenever a workflow author opens the dropdown, and the branchable
 * output is a yes/no enumeration whose two options mean the same in every account. The persona
 * itself is also returned as plain strings (id and label), valid whatever the portal's personas.
 * Field names never change: workflows refer to them.
 */
export const PERSONA_INPUT_FIELD = 'persona_to_check';
export const MATCHES_OUTPUT_FIELD = 'matches_persona';
export const PERSONA_OUTPUT_FIELD = 'persona';
export const PERSONA_LABEL_OUTPUT_FIELD = 'persona_label';
export const PERSONA_SCORE_OUTPUT_FIELD = 'persona_score';

export const MATCH_YES = 'yes';
export const MATCH_NO = 'no';

export const WORKFLOW_ACTION_UID = 'persona_workflow_action';

/** The parts of a rule set the action definition needs (a structural subset of the engine's RuleSet). */
export interface ActionRuleSetInput {
  readonly property: { readonly label: string };
}

/** The `workflow-action` component config of the HubSpot project (platform 2025.2). */
export function buildWorkflowActionHsMeta(options: { actionUrl: string; optionsUrl: string; ruleSet: ActionRuleSetInput }) {
  const label = options.ruleSet.property.label;
  const lower = label.toLowerCase();
  return {
    uid: WORKFLOW_ACTION_UID,
    type: 'workflow-action',
    config: {
      actionUrl: options.actionUrl,
      isPublished: true,
      supportedClients: [{ client: 'WORKFLOWS' }],
      objectTypes: ['CONTACT'],
      inputFields: [
        {
          typeDefinition: { name: PERSONA_INPUT_FIELD, type: 'enumeration', fieldType: 'select', optionsUrl: options.optionsUrl },
          supportedValueTypes: ['STATIC_VALUE'],
          isRequired: false,
        },
      ],
      outputFields: [
        {
          typeDefinition: {
            name: MATCHES_OUTPUT_FIELD,
            type: 'enumeration',
            fieldType: 'select',
            options: [
              { value: MATCH_YES, label: 'Yes', displayOrder: 0 },
              { value: MATCH_NO, label: 'No', displayOrder: 1 },
            ],
          },
        },
        { typeDefinition: { name: PERSONA_OUTPUT_FIELD, type: 'string', fieldType: 'text' } },
        { typeDefinition: { name: PERSONA_LABEL_OUTPUT_FIELD, type: 'string', fieldType: 'text' } },
        { typeDefinition: { name: PERSONA_SCORE_OUTPUT_FIELD, type: 'number', fieldType: 'number' } },
      ],
      labels: {
        en: {
          actionName: `Check ${lower}`,
          actionDescription: `Looks up the contact's ${lower} (a value set by hand wins over the rules) and says whether it is the one you pick, so the next step can branch on it.`,
          actionCardContent: `Is the contact's ${lower} {{${PERSONA_INPUT_FIELD}}}?`,
          inputFieldLabels: { [PERSONA_INPUT_FIELD]: `${label} to check` },
          inputFieldDescriptions: { [PERSONA_INPUT_FIELD]: `The list shows the ${lower}s published in this account right now.` },
          outputFieldLabels: {
            [MATCHES_OUTPUT_FIELD]: `Matches ${lower}`,
            [PERSONA_OUTPUT_FIELD]: `${label} (internal value)`,
            [PERSONA_LABEL_OUTPUT_FIELD]: label,
            [PERSONA_SCORE_OUTPUT_FIELD]: `${label} score`,
          },
        },
      },
    },
  };
}
