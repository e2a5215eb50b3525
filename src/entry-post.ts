import { runPost } from './post.js';

runPost();
