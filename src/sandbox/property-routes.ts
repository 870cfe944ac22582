import express, { type Request, type Response, type Router } from 'express';
import { sendError, sendValidationError } from './hubspot-errors';
import type { ObjectKind } from './portal-store';
import type { PropertyDefinition, PropertyOption } from './property-definitions';
import { type CrmRoutesDeps, hasSchemaWriteScope, kindOf, iso } from './crm-route-helpers';

/** HubSpot's properties API: groups, reads, creation and updates (an update's options replace the list). */
export function createPropertyRoutes(deps: CrmRoutesDeps): Router {
  const router = express.Router();

  const propKind = (req: Request, res: Response): ObjectKind | undefined => {
    const kind = kindOf(String(req.params.objectType));
    if (!kind) sendError(res, 400, 'VALIDATION_ERROR', `Unable to infer object type from: ${String(req.params.objectType)}`);
    return kind;
  };

  router.get('/crm/v3/properties/:objectType/groups', (req, res) => {
    const kind = propKind(req, res);
    if (!kind) return;
    res.json({ results: [...deps.storeOf(res).groupsOf[kind].values()] });
  });

  router.post('/crm/v3/properties/:objectType/groups', (req, res) => {
    const kind = propKind(req, res);
    if (kind !== 'contacts' && kind !== 'companies') {
      return res.headersSent ? undefined : sendValidationError(res, 'The sandbox supports contact and company property groups only.');
    }
    if (!hasSchemaWriteScope(res, kind)) return;
    const store = deps.storeOf(res);
    const groups = store.groupsOf[kind];
    const b = (req.body ?? {}) as Record<string, unknown>;
    if (typeof b.name !== 'string' || !/^[a-z][a-z0-9_]*$/.test(b.name) || typeof b.label !== 'string') {
      return sendValidationError(res, 'A property group needs a lowercase name and a label.');
    }
    if (groups.has(b.name)) {
      return sendError(res, 409, 'OBJECT_ALREADY_EXISTS', `A property group named '${b.name}' already exists.`);
    }
    const group = { name: b.name, label: b.label, displayOrder: typeof b.displayOrder === 'number' ? b.displayOrder : -1, archived: false };
    groups.set(group.name, group);
    res.status(201).json(group);
  });

  router.get('/crm/v3/properties/:objectType', (req, res) => {
    const kind = propKind(req, res);
    if (!kind) return;
    res.json({ results: [...deps.storeOf(res).properties[kind].values()] });
  });

  router.get('/crm/v3/properties/:objectType/:propertyName', (req, res) => {
    const kind = propKind(req, res);
    if (!kind) return;
    const def = deps.storeOf(res).properties[kind].get(String(req.params.propertyName));
    if (!def) return sendError(res, 404, 'OBJECT_NOT_FOUND', `Unable to find property ${String(req.params.propertyName)}`);
    res.json(def);
  });

  const VALID_FIELD_TYPES: Record<string, string[]> = {
    enumeration: ['select', 'radio', 'checkbox', 'booleancheckbox', 'calculation_equation'],
    string: ['text', 'textarea', 'file', 'html', 'phonenumber'],
    bool: ['booleancheckbox'],
    number: ['number', 'calculation_equation'],
    date: ['date'],
    datetime: ['date'],
  };

  const readOptions = (value: unknown): PropertyOption[] | string => {
    if (!Array.isArray(value)) return 'options must be an array';
    const out: PropertyOption[] = [];
    for (const [i, raw] of value.entries()) {
      const o = raw as Record<string, unknown>;
      if (typeof o?.label !== 'string' || typeof o?.value !== 'string') return `option ${i} needs a label and a value`;
      out.push({
        label: o.label,
        value: o.value,
        displayOrder: typeof o.displayOrder === 'number' ? o.displayOrder : i,
        hidden: o.hidden === true,
        description: typeof o.description === 'string' ? o.description : undefined,
        readOnly: false,
      });
    }
    const values = out.map((o) => o.value);
    const dupe = values.find((v, i) => values.indexOf(v) !== i);
    return dupe === undefined ? out : `duplicate option value ${dupe}`;
  };

  router.post('/crm/v3/properties/:objectType', (req, res) => {
    const kind = propKind(req, res);
    if (!kind || !hasSchemaWriteScope(res, kind)) return;
    const store = deps.storeOf(res);
    const b = (req.body ?? {}) as Record<string, unknown>;
    for (const key of ['name', 'label', 'type', 'fieldType', 'groupName']) {
      if (typeof b[key] !== 'string' || b[key] === '') return sendValidationError(res, `Property ${key} is required.`);
    }
    const name = b.name as string;
    if (!/^[a-z][a-z0-9_]*$/.test(name))
      return sendValidationError(
        res,
        `Property name ${name} is invalid: use lowercase letters, digits and underscores, starting with a letter.`,
      );
    if (!VALID_FIELD_TYPES[b.type as string]?.includes(b.fieldType as string)) {
      return sendValidationError(res, `fieldType ${String(b.fieldType)} is not valid for type ${String(b.type)}.`);
    }
    if ((kind === 'contacts' || kind === 'companies') && !store.groupsOf[kind].has(b.groupName as string)) {
      return sendValidationError(res, `Property group ${String(b.groupName)} does not exist.`);
    }
    if (store.properties[kind].has(name)) {
      // docs/hubspot-contracts.md, Properties, gives no body for this case; HubSpot's category for duplicates is OBJECT_ALREADY_EXISTS.
      return sendError(res, 409, 'OBJECT_ALREADY_EXISTS', `Property already exists: a property named '${name}' already exists.`, {
        subCategory: 'PropertyDefinitionError.PROPERTY_ALREADY_EXISTS',
        context: { name: [name] },
      });
    }
    const options = b.options === undefined ? [] : readOptions(b.options);
    if (typeof options === 'string') return sendValidationError(res, options);
    const now = iso(Date.now());
    const def: PropertyDefinition = {
      name,
      label: b.label as string,
      type: b.type as string,
      fieldType: b.fieldType as string,
      description: typeof b.description === 'string' ? b.description : '',
      groupName: b.groupName as string,
      options,
      displayOrder: typeof b.displayOrder === 'number' ? b.displayOrder : -1,
      calculated: false,
      externalOptions: false,
      hasUniqueValue: b.hasUniqueValue === true,
      hidden: b.hidden === true,
      hubspotDefined: false,
      formField: b.formField === true,
      archived: false,
      createdAt: now,
      updatedAt: now,
      modificationMetadata: { archivable: true, readOnlyDefinition: false, readOnlyValue: false },
      createdUserId: '7000001',
      updatedUserId: '7000001',
    };
    store.properties[kind].set(name, def);
    res.status(201).json(def);
  });

  router.patch('/crm/v3/properties/:objectType/:propertyName', (req, res) => {
    const kind = propKind(req, res);
    if (!kind || !hasSchemaWriteScope(res, kind)) return;
    const store = deps.storeOf(res);
    const name = String(req.params.propertyName);
    const def = store.properties[kind].get(name);
    if (!def) return sendError(res, 404, 'OBJECT_NOT_FOUND', `Unable to find property ${name}`);
    if (def.modificationMetadata.readOnlyDefinition) {
      return sendValidationError(res, `Property ${name} is a HubSpot-defined property whose definition cannot be changed.`);
    }
    const b = (req.body ?? {}) as Record<string, unknown>;
    const next: PropertyDefinition = { ...def, updatedAt: iso(Date.now()) };
    for (const key of ['label', 'description', 'groupName', 'type', 'fieldType'] as const) {
      if (typeof b[key] === 'string') next[key] = b[key] as string;
    }
    if (typeof b.displayOrder === 'number') next.displayOrder = b.displayOrder;
    if (typeof b.hidden === 'boolean') next.hidden = b.hidden;
    if (typeof b.formField === 'boolean') next.formField = b.formField;
    if (!VALID_FIELD_TYPES[next.type]?.includes(next.fieldType)) {
      return sendValidationError(res, `fieldType ${next.fieldType} is not valid for type ${next.type}.`);
    }
    if ((kind === 'contacts' || kind === 'companies') && !store.groupsOf[kind].has(next.groupName))
      return sendValidationError(res, `Property group ${next.groupName} does not exist.`);
    if (b.options !== undefined) {
      // Sending options replaces the whole list (docs/hubspot-contracts.md, Properties: assumed, the conservative reading).
      const options = readOptions(b.options);
      if (typeof options === 'string') return sendValidationError(res, options);
      next.options = options;
    }
    store.properties[kind].set(name, next);
    res.json(next);
  });

  return router;
}
