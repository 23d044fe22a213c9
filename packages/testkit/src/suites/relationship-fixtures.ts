/*
 * Entities of the relationship suite: a blog (users, posts, comments, tags, profiles),
 * the photo / tag case with and without delete-orphan, a tree, a composite foreign key,
 * an explicit association entity, a NOT NULL child without delete-orphan, and a
 * passive-deletes folder.
 */
import { Column, EagerProps, Entity, ManyToMany, ManyToOne, MetaData, OneToMany, OneToOne, PrimaryColumn, PrimaryGeneratedColumn, PrimaryKeyProps } from '@strata/core';

@Entity('rl_user')
export class RlUser {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ length: 100 }) name!: string;
  @OneToMany(() => RlPost, 'author', { cascade: 'all, delete-orphan', orderBy: 'id' }) posts!: RlPost[];
  @OneToOne(() => RlProfile, 'user', { cascade: 'all, delete-orphan' }) profile!: RlProfile | null;
}

@Entity('rl_profile')
export class RlProfile {
  @PrimaryGeneratedColumn() id!: number;
  @Column() bio!: string;
  @OneToOne(() => RlUser, 'profile', { joinColumn: true, nullable: false }) user!: RlUser;
}

@Entity('rl_post')
export class RlPost {
  @PrimaryGeneratedColumn() id!: number;
  @Column() title!: string;
  @ManyToOne(() => RlUser, 'posts', { nullable: false }) author!: RlUser;
  @OneToMany(() => RlComment, 'post', { cascade: 'all, delete-orphan', orderBy: 'id' }) comments!: RlComment[];
  @ManyToMany(() => RlTag, 'posts', { joinTable: { name: 'rl_post_tag' }, orderBy: 'name' }) tags!: RlTag[];
}

@Entity('rl_comment')
export class RlComment {
  @PrimaryGeneratedColumn() id!: number;
  @Column() body!: string;
  @ManyToOne(() => RlPost, 'comments', { nullable: false }) post!: RlPost;
  /** A second relationship to the users table. */
  @ManyToOne(() => RlUser, undefined, { nullable: true }) writer!: RlUser | null;
}

@Entity('rl_tag')
export class RlTag {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ unique: true }) name!: string;
  @ManyToMany(() => RlPost, 'tags') posts!: RlPost[];
}

@Entity('rl_photo')
export class RlPhoto {
  @PrimaryGeneratedColumn() id!: number;
  @Column() name!: string;
  @OneToMany(() => RlPhotoTag, 'photo', { cascade: 'all' }) tags!: RlPhotoTag[];
}

@Entity('rl_photo_tag')
export class RlPhotoTag {
  @PrimaryGeneratedColumn() id!: number;
  @Column() label!: string;
  @ManyToOne(() => RlPhoto, 'tags', { nullable: true }) photo!: RlPhoto | null;
}

@Entity('rl_album')
export class RlAlbum {
  @PrimaryGeneratedColumn() id!: number;
  @Column() name!: string;
  @OneToMany(() => RlAlbumTag, 'album', { cascade: 'all, delete-orphan' }) tags!: RlAlbumTag[];
}

@Entity('rl_album_tag')
export class RlAlbumTag {
  @PrimaryGeneratedColumn() id!: number;
  @Column() label!: string;
  @ManyToOne(() => RlAlbum, 'tags', { nullable: true }) album!: RlAlbum | null;
}

@Entity('rl_node')
export class RlNode {
  @PrimaryGeneratedColumn() id!: number;
  @Column() label!: string;
  @ManyToOne(() => RlNode, 'children', { nullable: true }) parent!: RlNode | null;
  @OneToMany(() => RlNode, 'parent', { cascade: 'all, delete-orphan', orderBy: 'label' }) children!: RlNode[];
}

@Entity('rl_region')
export class RlRegion {
  declare [PrimaryKeyProps]?: ['country', 'code'];
  @PrimaryColumn({ length: 2 }) country!: string;
  @PrimaryColumn({ length: 8 }) code!: string;
  @Column() name!: string;
  @OneToMany(() => RlCity, 'region') cities!: RlCity[];
}

@Entity('rl_city')
export class RlCity {
  @PrimaryGeneratedColumn() id!: number;
  @Column() name!: string;
  @ManyToOne(() => RlRegion, 'cities', { nullable: false }) region!: RlRegion;
}

@Entity('rl_student')
export class RlStudent {
  @PrimaryGeneratedColumn() id!: number;
  @Column() name!: string;
  @ManyToMany(() => RlCourse, 'students', { through: () => RlEnrollment }) courses!: RlCourse[];
}

@Entity('rl_course')
export class RlCourse {
  @PrimaryGeneratedColumn() id!: number;
  @Column() title!: string;
  @ManyToMany(() => RlStudent, 'courses') students!: RlStudent[];
}

@Entity('rl_enrollment')
export class RlEnrollment {
  @PrimaryGeneratedColumn() id!: number;
  @ManyToOne(() => RlStudent, undefined, { nullable: false, onDelete: 'CASCADE' }) student!: RlStudent;
  @ManyToOne(() => RlCourse, undefined, { nullable: false, onDelete: 'CASCADE' }) course!: RlCourse;
}

@Entity('rl_book')
export class RlBook {
  @PrimaryGeneratedColumn() id!: number;
  @Column() title!: string;
  /** Default cascade (save-update, merge): no delete, no delete-orphan. */
  @OneToMany(() => RlChapter, 'book') chapters!: RlChapter[];
}

@Entity('rl_chapter')
export class RlChapter {
  @PrimaryGeneratedColumn() id!: number;
  @Column() title!: string;
  @ManyToOne(() => RlBook, 'chapters', { nullable: false }) book!: RlBook;
}

@Entity('rl_folder')
export class RlFolder {
  @PrimaryGeneratedColumn() id!: number;
  @Column() name!: string;
  @OneToMany(() => RlFile, 'folder', { cascade: 'all', passiveDeletes: true }) files!: RlFile[];
}

@Entity('rl_file')
export class RlFile {
  @PrimaryGeneratedColumn() id!: number;
  @Column() name!: string;
  @ManyToOne(() => RlFolder, 'files', { nullable: false, onDelete: 'CASCADE' }) folder!: RlFolder;
}

@Entity('rl_shop')
export class RlShop {
  declare [EagerProps]?: 'items';
  @PrimaryGeneratedColumn() id!: number;
  @Column() name!: string;
  /** Loaded with every shop, by default. */
  @OneToMany(() => RlItem, 'shop', { lazy: 'selectin', cascade: 'all', orderBy: 'name' }) items!: RlItem[];
}

@Entity('rl_item')
export class RlItem {
  declare [EagerProps]?: 'shop';
  @PrimaryGeneratedColumn() id!: number;
  @Column() name!: string;
  /** Joined with every item, by default. */
  @ManyToOne(() => RlShop, 'items', { nullable: false, lazy: 'joined' }) shop!: RlShop;
}

/** The suite's metadata. */
export function relationshipMetadata(): MetaData {
  return new MetaData([
    RlUser, RlProfile, RlPost, RlComment, RlTag, RlPhoto, RlPhotoTag, RlAlbum, RlAlbumTag, RlNode,
    RlRegion, RlCity, RlStudent, RlCourse, RlEnrollment, RlBook, RlChapter, RlFolder, RlFile, RlShop, RlItem,
  ]);
}

/** Tables in an order that deletes children first. */
export const RELATIONSHIP_TABLES = [
  'rl_post_tag', 'rl_comment', 'rl_post', 'rl_profile', 'rl_tag', 'rl_user', 'rl_photo_tag', 'rl_photo', 'rl_album_tag', 'rl_album',
  'rl_node', 'rl_city', 'rl_region', 'rl_enrollment', 'rl_student', 'rl_course', 'rl_chapter', 'rl_book', 'rl_file', 'rl_folder', 'rl_item', 'rl_shop',
];

/** A new object with properties set through its accessors. */
export function make<T extends object>(type: new () => T, values: Partial<T>): T {
  const object = new type();
  Object.assign(object, values);
  return object;
}
