//! The projects use case: groups and their members, projects, an item's place in a
//! project, and the team's review of project images.

use std::sync::Arc;

use super::{
    check_comment, check_inputs, check_json, check_key, check_name, Board, BoardQuery, Feedback,
    Group, GroupId, Placement, Project, ProjectChange, ProjectId, ReviewStatus,
    MAX_ANNOTATIONS_BYTES,
};
use crate::clock::Clock;
use crate::ports::{ItemRepository, ProjectRepository, UserRepository};
use crate::user::{Principal, Role, Scope};
use crate::{DomainError, ItemId, Result};

#[derive(Debug, Clone, Default)]
/// A project to create.
pub struct NewProject {
    /// Its name.
    pub name: String,
    /// Derived from the name when absent.
    pub key: Option<String>,
    /// The group to share it with.
    pub group: Option<GroupId>,
}

/// Absent fields stay; `group: Some(None)` stops sharing.
#[derive(Debug, Clone, Default)]
pub struct ProjectPatch {
    /// A new name.
    pub name: Option<String>,
    /// A new key.
    pub key: Option<String>,
    /// A new group.
    pub group: Option<Option<GroupId>>,
}

/// An item's project fields as a client sends them, on upload or PATCH.
#[derive(Debug, Clone, Default)]
pub struct PlacementPatch {
    /// `Some(None)` takes the item out of its project.
    pub project: Option<Option<ProjectId>>,
    /// The item's place in the project.
    pub placement: Placement,
    /// The caller's items this one was made from.
    pub inputs: Option<Vec<String>>,
}

impl PlacementPatch {
    /// Nothing to change.
    pub fn is_empty(&self) -> bool {
        self.project.is_none() && self.placement.is_empty() && self.inputs.is_none()
    }
}

/// A review as a client sends it: absent fields stay, `Some(None)` clears.
#[derive(Debug, Clone, Default)]
pub struct Review {
    /// `pending`, `approved`, `rejected`, or `Some(None)` to clear.
    pub status: Option<Option<ReviewStatus>>,
    /// JSON text.
    pub annotations: Option<Option<String>>,
}

#[derive(Clone)]
/// Projects, groups, placements and reviews (spec 4).
pub struct Projects {
    repo: Arc<dyn ProjectRepository>,
    items: Arc<dyn ItemRepository>,
    users: Arc<dyn UserRepository>,
    clock: Arc<dyn Clock>,
}

impl Projects {
    /// The project use cases over their repositories.
    pub fn new(
        repo: Arc<dyn ProjectRepository>,
        items: Arc<dyn ItemRepository>,
        users: Arc<dyn UserRepository>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            repo,
            items,
            users,
            clock,
        }
    }

    /// A new group; its creator is its first member.
    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    pub async fn create_group(&self, who: &Principal, name: &str) -> Result<Group> {
        who.require(Scope::ProjectsWrite)?;
        let name = check_name(name, "name")?;
        self.repo
            .insert_group(&name, &who.user.id, self.clock.now())
            .await
    }

    /// The groups the caller belongs to.
    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    pub async fn groups(&self, who: &Principal) -> Result<Vec<Group>> {
        who.require(Scope::ProjectsRead)?;
        self.repo.groups_of(&who.user.id).await
    }

    /// Adds the user named `member` (already a member: nothing changes). The group's
    /// creator or an admin; to anyone else outside the group it does not exist.
    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    pub async fn add_member(&self, who: &Principal, group: GroupId, member: &str) -> Result<Group> {
        who.require(Scope::ProjectsWrite)?;
        self.managed_group(who, group).await?;
        let user = self
            .users
            .user_by_name(member)
            .await?
            .ok_or(DomainError::NotFound("User"))?;
        self.repo
            .add_member(group, &user.user.id, self.clock.now())
            .await?;
        self.repo.group(group).await
    }

    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    /// Takes a user out of a group; its owner stays.
    pub async fn remove_member(
        &self,
        who: &Principal,
        group: GroupId,
        member: &str,
    ) -> Result<Group> {
        who.require(Scope::ProjectsWrite)?;
        self.managed_group(who, group).await?;
        let user = self
            .users
            .user_by_name(member)
            .await?
            .ok_or(DomainError::NotFound("Member"))?;
        self.repo.remove_member(group, &user.user.id).await?;
        self.repo.group(group).await
    }

    /// The group when the caller may manage its members.
    async fn managed_group(&self, who: &Principal, id: GroupId) -> Result<Group> {
        let group = self.repo.group(id).await?;
        let member = group.members.contains(&who.user.name);
        if group.created_by == who.user.id || who.user.role == Role::Admin {
            Ok(group)
        } else if member {
            Err(DomainError::Forbidden(
                "only the group's creator or an admin manages its members".into(),
            ))
        } else {
            Err(DomainError::NotFound("Group"))
        }
    }

    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    /// Makes a project; `Conflict` when the key is taken.
    pub async fn create(&self, who: &Principal, new: NewProject) -> Result<Project> {
        who.require(Scope::ProjectsWrite)?;
        let name = check_name(&new.name, "name")?;
        if let Some(key) = &new.key {
            check_key(key)?;
        }
        if let Some(group) = new.group {
            self.require_member(who, group).await?;
        }
        self.repo
            .insert_project(&who.user.id, &name, new.key, new.group, self.clock.now())
            .await
    }

    /// The caller's projects and those shared with the caller's groups, oldest first.
    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    pub async fn list(&self, who: &Principal) -> Result<Vec<Project>> {
        who.require(Scope::ProjectsRead)?;
        self.repo.visible_projects(&who.user.id).await
    }

    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    /// One project the caller may see.
    pub async fn get(&self, who: &Principal, id: ProjectId) -> Result<Project> {
        who.require(Scope::ProjectsRead)?;
        self.repo.project(&who.user.id, id).await
    }

    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    /// Changes a project's name, key or group (its owner only).
    pub async fn update(
        &self,
        who: &Principal,
        id: ProjectId,
        patch: ProjectPatch,
    ) -> Result<Project> {
        who.require(Scope::ProjectsWrite)?;
        let mut project = self.owned(who, id).await?;
        if let Some(name) = &patch.name {
            project.name = check_name(name, "name")?;
        }
        if let Some(key) = patch.key {
            check_key(&key)?;
            project.key = key;
        }
        if let Some(group) = patch.group {
            if let Some(group) = group {
                self.require_member(who, group).await?;
            }
            project.group = group;
        }
        project.updated_at = Some(self.clock.now());
        self.repo.update_project(&project).await?;
        self.repo.project(&who.user.id, id).await
    }

    /// Takes every item out of the project and deletes it; the items stay.
    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    pub async fn delete(&self, who: &Principal, id: ProjectId) -> Result<()> {
        who.require(Scope::ProjectsWrite)?;
        self.owned(who, id).await?;
        self.repo.delete_project(&who.user.id, id).await
    }

    /// The project when the caller owns it; a member sees it but may not change it.
    async fn owned(&self, who: &Principal, id: ProjectId) -> Result<Project> {
        let project = self.repo.project(&who.user.id, id).await?;
        if project.owner == who.user.id {
            Ok(project)
        } else {
            Err(DomainError::Forbidden(
                "only the project's owner changes it".into(),
            ))
        }
    }

    async fn require_member(&self, who: &Principal, group: GroupId) -> Result<()> {
        if self.repo.is_member(group, &who.user.id).await? {
            Ok(())
        } else {
            Err(DomainError::NotFound("Group"))
        }
    }

    /// Checks the project fields of an upload or PATCH of the caller's item: the project
    /// is one the caller may add to (their own or their group's), the inputs are the
    /// caller's items. Answers what the item's store writes, in the item's transaction.
    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    pub async fn check_placement(
        &self,
        who: &Principal,
        patch: PlacementPatch,
    ) -> Result<(Option<ProjectChange>, Option<Vec<ItemId>>)> {
        if patch.is_empty() {
            return Ok((None, None));
        }
        who.require(Scope::ProjectsWrite)?;
        patch.placement.check()?;
        let change = match patch.project {
            Some(Some(project)) => {
                self.repo.project(&who.user.id, project).await?;
                Some(ProjectChange::Join(project, patch.placement))
            }
            Some(None) => Some(ProjectChange::Leave),
            None if patch.placement.is_empty() => None,
            None => Some(ProjectChange::Edit(patch.placement)),
        };
        let inputs = match patch.inputs {
            Some(inputs) => {
                let inputs: Vec<ItemId> = inputs.into_iter().map(ItemId::from).collect();
                check_inputs(&inputs)?;
                // Missing (404 naming them) unless every one is the caller's.
                self.items.items_by_ids(&who.user.id, &inputs).await?;
                Some(inputs)
            }
            None => None,
        };
        Ok((change, inputs))
    }

    /// Like, dislike or neither, with a comment; members of the project's team only.
    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    pub async fn feedback(
        &self,
        who: &Principal,
        item: &str,
        feedback: Option<Feedback>,
        comment: Option<String>,
    ) -> Result<()> {
        who.require(Scope::ProjectsWrite)?;
        if let Some(comment) = &comment {
            check_comment(comment)?;
        }
        let item = self.reviewable(who, item).await?;
        self.repo.set_feedback(&item, feedback, comment).await
    }

    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    /// Sets an item's review status and annotations.
    pub async fn review(&self, who: &Principal, item: &str, review: Review) -> Result<()> {
        who.require(Scope::ProjectsWrite)?;
        if let Some(Some(annotations)) = &review.annotations {
            check_json(annotations, "annotations", MAX_ANNOTATIONS_BYTES, false)?;
        }
        let item = self.reviewable(who, item).await?;
        self.repo.set_review(&item, review).await
    }

    /// Takes the image to retouch it: 409 when another member has it.
    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    pub async fn claim(&self, who: &Principal, item: &str) -> Result<()> {
        who.require(Scope::ProjectsWrite)?;
        let item = self.reviewable(who, item).await?;
        self.repo.claim(&item, &who.user.id, self.clock.now()).await
    }

    /// Gives the image back: its claimer, or the project's owner for anyone.
    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    pub async fn release(&self, who: &Principal, item: &str) -> Result<()> {
        who.require(Scope::ProjectsWrite)?;
        let item = self.reviewable(who, item).await?;
        let project = self.repo.project_of(&item).await?;
        let anyone = project.is_some_and(|p| p.owner == who.user.id);
        self.repo.release(&item, &who.user.id, anyone).await
    }

    /// The item when it is in a project the caller sees (owner or group member);
    /// `NotFound("Item")` otherwise, so nothing leaks.
    async fn reviewable(&self, who: &Principal, item: &str) -> Result<ItemId> {
        let item = ItemId::from(item.to_owned());
        match self.repo.project_of(&item).await? {
            Some(project) if self.sees(who, &project).await? => Ok(item),
            _ => Err(DomainError::NotFound("Item")),
        }
    }

    async fn sees(&self, who: &Principal, project: &Project) -> Result<bool> {
        if project.owner == who.user.id {
            return Ok(true);
        }
        match project.group {
            Some(group) => self.repo.is_member(group, &who.user.id).await,
            None => Ok(false),
        }
    }

    /// Spec 4's page of projects with their images.
    #[tracing::instrument(skip_all, fields(user = %who.user.id))]
    pub async fn board(&self, who: &Principal, query: &BoardQuery) -> Result<Board> {
        who.require(Scope::ProjectsRead)?;
        self.repo.board(&who.user.id, query, self.clock.now()).await
    }
}
