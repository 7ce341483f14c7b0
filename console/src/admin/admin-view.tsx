import { PageHeading } from '../page-heading.js';
import { AgentsPanel } from './agents-panel.js';
import { CleanupPanel } from './cleanup-panel.js';
import { StoreHealthPanel } from './store-health-panel.js';
import { UsersPanel } from './users-panel.js';

/** The admin token's view: users and their keys, the agent catalogue, cleanup, store health. */
export function AdminView(props: { onSignInAs(key: string): void }) {
  return (
    <>
      <PageHeading>Administration</PageHeading>
      <div class="admin-grid">
        <UsersPanel onSignInAs={props.onSignInAs} />
        <StoreHealthPanel />
        <AgentsPanel />
        <CleanupPanel />
      </div>
    </>
  );
}
