import type { ComponentType } from 'react';
import { AccountsView } from '../views/AccountsView';
import { ContactsView } from '../views/ContactsView';
import { DashboardView } from '../views/DashboardView';
import { GalleryView } from '../views/GalleryView';
import { InsightsView } from '../views/InsightsView';
import { MatrixView } from '../views/MatrixView';
import { ReviewQueueView } from '../views/ReviewQueueView';
import { RuleSetView } from '../views/RuleSetView';

/** The sections in the side navigation, in order; the key is the URL hash (`#/rules`). */
export const VIEWS = {
  dashboard: { label: 'Dashboard', Component: DashboardView },
  rules: { label: 'Rule set', Component: RuleSetView },
  contacts: { label: 'Contacts', Component: ContactsView },
  queue: { label: 'Review queue', Component: ReviewQueueView },
  accounts: { label: 'Accounts', Component: AccountsView },
  gallery: { label: 'Gallery', Component: GalleryView },
  matrix: { label: 'Content matrix', Component: MatrixView },
  insights: { label: 'Insights', Component: InsightsView },
} satisfies Record<string, { label: string; Component: ComponentType }>;

export type ViewKey = keyof typeof VIEWS;
