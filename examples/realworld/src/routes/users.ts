/*
 * Registration, login and the current user: POST /users, POST /users/login,
 * GET /user, PUT /user.
 */
import { Router } from 'express';
import { and, select, type Session } from '@strata/core';
import { signToken } from '../auth/jwt';
import { hashPassword, verifyPassword } from '../auth/password';
import { write, type AppContext } from '../context';
import { User } from '../entities';
import { requireViewer } from '../http/auth';
import { handle, invalid, unauthorized } from '../http/errors';
import { nullableText, optionalText, requiredText, section } from '../http/input';
import { viewer } from '../queries';
import { userView } from '../views';

/** POST /users, POST /users/login, GET /user and PUT /user. */
export function usersRouter(context: AppContext): Router {
  const router = Router();
  const respond = (user: User) => ({ user: userView(user, signToken(user.id, context.secret)) });

  router.post('/users', handle(async (req, res) => {
    const fields = section(req.body, 'user');
    const username = requiredText(fields, 'username');
    const email = requiredText(fields, 'email');
    const password = requiredText(fields, 'password');
    const passwordHash = await hashPassword(password);
    const user = await write(context, async (session) => {
      await checkUnique(session, { username, email });
      const created = Object.assign(new User(), { username, email, passwordHash, bio: null, image: null });
      session.add(created);
      await session.flush();
      return created;
    });
    res.status(201).json(respond(user));
  }));

  router.post('/users/login', handle(async (req, res) => {
    const fields = section(req.body, 'user');
    const email = requiredText(fields, 'email');
    const password = requiredText(fields, 'password');
    const user = await context.db.current().scalar(select(User).where({ email }));
    if (!user || !(await verifyPassword(password, user.passwordHash))) throw unauthorized('email or password is invalid');
    res.json(respond(user));
  }));

  router.get('/user', handle(async (_req, res) => {
    const user = await viewer(context.db.current(), requireViewer(res));
    res.json(respond(user));
  }));

  router.put('/user', handle(async (req, res) => {
    const id = requireViewer(res);
    const fields = section(req.body, 'user');
    const username = optionalText(fields, 'username');
    const email = optionalText(fields, 'email');
    const password = optionalText(fields, 'password');
    const bio = nullableText(fields, 'bio');
    const image = nullableText(fields, 'image');
    const passwordHash = password === undefined ? undefined : await hashPassword(password);
    const user = await write(context, async (session) => {
      const user = await viewer(session, id);
      await checkUnique(session, { username, email }, id);
      if (username !== undefined) user.username = username;
      if (email !== undefined) user.email = email;
      if (passwordHash !== undefined) user.passwordHash = passwordHash;
      if (bio !== undefined) user.bio = bio;
      if (image !== undefined) user.image = image;
      return user;
    });
    res.json(respond(user));
  }));

  return router;
}

/** 422 when another user has the username or email (the user itself may resend its own). */
async function checkUnique(session: Session, wanted: { username?: string; email?: string }, self?: number): Promise<void> {
  for (const field of ['username', 'email'] as const) {
    const value = wanted[field];
    if (value === undefined) continue;
    const other = await session.scalar(select(User).where((u) => and(u[field].eq(value), self === undefined ? undefined : u.id.ne(self))));
    if (other) throw invalid(field, 'has already been taken');
  }
}
