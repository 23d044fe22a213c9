/*
 * Profiles and following: GET /profiles/:username, POST and DELETE
 * /profiles/:username/follow. A follow is one Follow row, keyed by the pair.
 */
import { Router } from 'express';
import { write, type AppContext } from '../context';
import { Follow } from '../entities';
import { requireViewer, viewerId } from '../http/auth';
import { handle, invalid } from '../http/errors';
import { followedAmong, userByName } from '../queries';
import { profileView } from '../views';

/** GET /profiles/:username and following through POST / DELETE /profiles/:username/follow. */
export function profilesRouter(context: AppContext): Router {
  const router = Router();

  router.get('/profiles/:username', handle(async (req, res) => {
    const session = context.db.current();
    const user = await userByName(session, req.params.username!);
    const following = await followedAmong(session, viewerId(res), [user.id]);
    res.json({ profile: profileView(user, following.has(user.id)) });
  }));

  router.post('/profiles/:username/follow', handle(async (req, res) => {
    const followerId = requireViewer(res);
    const user = await write(context, async (session) => {
      const user = await userByName(session, req.params.username!);
      if (user.id === followerId) throw invalid('profile', 'cannot follow yourself');
      if (!(await session.get(Follow, [followerId, user.id]))) session.add(Object.assign(new Follow(), { followerId, followedId: user.id }));
      return user;
    });
    res.json({ profile: profileView(user, true) });
  }));

  router.delete('/profiles/:username/follow', handle(async (req, res) => {
    const followerId = requireViewer(res);
    const user = await write(context, async (session) => {
      const user = await userByName(session, req.params.username!);
      const follow = await session.get(Follow, [followerId, user.id]);
      if (follow) session.delete(follow);
      return user;
    });
    res.json({ profile: profileView(user, false) });
  }));

  return router;
}
