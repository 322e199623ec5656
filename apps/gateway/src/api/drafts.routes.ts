// Drafts (seed 002): the signed-in user's personal space, where anyone — case managers included —
// authors stories using objects shared with all teams & drafts.
import {
  CreateStoryInput,
  DraftStoryParams,
  DraftsSpace,
  ListObjectsQuery,
  ListSharedObjectsQuery,
  SharedObjectList,
  StoryList,
  StoryView,
  UpdateStoryInput,
} from '@gatehouse/domain/contracts';
import type { Services } from '@gatehouse/domain';
import { defineRoute, type Route } from '../http/define-route.js';
import { mapPage } from '../http/pages.js';
import { toSharedObject, toStory } from './objects.routes.js';

const TAG = 'drafts';
const base = '/me/drafts/stories';

export function draftsRoutes(services: Services): Route[] {
  const stories = services.stories;
  return [
    defineRoute(
      {
        method: 'get',
        path: '/me/drafts',
        tag: TAG,
        summary: 'Your personal drafts space',
        response: DraftsSpace,
      },
      async ({ actor }) => {
        const drafts = await services.drafts.summary(actor);
        return { id: drafts.id, storyCount: drafts.storyCount };
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/me/drafts/shared',
        tag: TAG,
        summary: 'Objects shared with all teams & drafts, for stories in your drafts',
        query: ListSharedObjectsQuery,
        response: SharedObjectList,
      },
      async ({ actor, query }) => mapPage(await services.drafts.sharedObjects(actor, query), toSharedObject),
    ),
    defineRoute(
      {
        method: 'get',
        path: base,
        tag: TAG,
        summary: 'Stories in your drafts',
        query: ListObjectsQuery,
        response: StoryList,
      },
      async ({ actor, query }) => mapPage(await stories.list(actor, 'drafts', query), toStory),
    ),
    defineRoute(
      {
        method: 'post',
        path: base,
        tag: TAG,
        summary: 'Author a story in your drafts',
        body: CreateStoryInput,
        response: StoryView,
        status: 201,
      },
      async ({ actor, body }) => toStory(await stories.create(actor, 'drafts', body)),
    ),
    defineRoute(
      {
        method: 'get',
        path: `${base}/:storyId`,
        tag: TAG,
        summary: 'One story in your drafts',
        params: DraftStoryParams,
        response: StoryView,
      },
      async ({ actor, params }) => toStory(await stories.get(actor, 'drafts', params.storyId)),
    ),
    defineRoute(
      {
        method: 'patch',
        path: `${base}/:storyId`,
        tag: TAG,
        summary: 'Edit a story in your drafts',
        params: DraftStoryParams,
        body: UpdateStoryInput,
        response: StoryView,
      },
      async ({ actor, params, body }) => toStory(await stories.update(actor, 'drafts', params.storyId, body)),
    ),
    defineRoute(
      {
        method: 'post',
        path: `${base}/:storyId/push-live`,
        tag: TAG,
        summary: 'Push a change-managed draft’s test version live',
        params: DraftStoryParams,
        response: StoryView,
      },
      async ({ actor, params }) => toStory(await stories.pushLive(actor, 'drafts', params.storyId)),
    ),
    defineRoute(
      {
        method: 'delete',
        path: `${base}/:storyId`,
        tag: TAG,
        summary: 'Delete a story from your drafts',
        params: DraftStoryParams,
        status: 204,
      },
      async ({ actor, params }) => {
        await stories.delete(actor, 'drafts', params.storyId);
        return undefined;
      },
    ),
  ];
}
