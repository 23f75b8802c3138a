"""The organisation's setup: projects, case types, custom attributes, and users."""

from __future__ import annotations

from case_mcp.client._operation import ORGANISATION, Scope, operation
from case_mcp.client._operations import Operations, check_page_size
from case_mcp.client._recovery import find_project
from case_mcp.models import (
    CaseType,
    CaseTypesDocument,
    CustomAttributeConfig,
    CustomAttributeConfigsDocument,
    Project,
    ProjectCreate,
    ProjectDocument,
    ProjectsDocument,
    User,
    UserDocument,
    UserPage,
    UsersDocument,
)


class OrganisationOperations(Operations):
    """The operations on what cases refer to: projects, case types, attributes, users."""

    @operation(
        "GET",
        "/api/v2/cases/projects",
        effect="read",
        scope=Scope(answer="projects"),
        response=ProjectsDocument,
    )
    async def get_projects(self) -> list[Project]:
        """All projects of the organisation."""
        document: ProjectsDocument = await self._call()
        return document.data

    @operation(
        "GET",
        "/api/v2/cases/projects/{project_id}",
        effect="read",
        scope=Scope(answer="project"),
        response=ProjectDocument,
    )
    async def get_project(self, project_id: str) -> Project:
        """One project.

        Args:
            project_id: The project's UUID.

        Raises:
            NotFoundError: No such project.
        """
        document: ProjectDocument = await self._call()
        return document.data

    @operation(
        "POST",
        "/api/v2/cases/projects",
        effect="creates",
        scope=Scope(new_project="key"),
        request=ProjectCreate,
        response=ProjectDocument,
        finder=find_project,
    )
    async def create_project(self, key: str, name: str) -> Project:
        """Create a project.

        Args:
            key: The prefix of its cases' keys, such as ``SEC``.
            name: Its display name.

        Raises:
            BadRequestError: The key is invalid or already taken.
        """
        document: ProjectDocument = await self._call(ProjectCreate(key=key, name=name))
        return document.data

    @operation(
        "DELETE",
        "/api/v2/cases/projects/{project_id}",
        effect="deletes",
        scope=Scope(project="project_id"),
    )
    async def delete_project(self, project_id: str) -> None:
        """Delete a project.

        Args:
            project_id: The project's UUID.

        Raises:
            NotFoundError: No such project.
        """
        await self._call()

    @operation(
        "GET", "/api/v2/cases/types", effect="read", scope=ORGANISATION, response=CaseTypesDocument
    )
    async def get_all_case_types(self) -> list[CaseType]:
        """Every case type, Datadog's built-in ones included."""
        document: CaseTypesDocument = await self._call()
        return document.data

    @operation(
        "GET",
        "/api/v2/cases/types/custom_attributes",
        effect="read",
        scope=ORGANISATION,
        response=CustomAttributeConfigsDocument,
    )
    async def get_all_custom_attributes(self) -> list[CustomAttributeConfig]:
        """Every custom attribute configured, across all case types."""
        document: CustomAttributeConfigsDocument = await self._call()
        return document.data

    @operation(
        "GET",
        "/api/v2/cases/types/{case_type_id}/custom_attributes",
        effect="read",
        scope=ORGANISATION,
        response=CustomAttributeConfigsDocument,
    )
    async def get_all_custom_attribute_configs_by_case_type(
        self, case_type_id: str
    ) -> list[CustomAttributeConfig]:
        """The custom attributes configured on one case type.

        Args:
            case_type_id: The case type's UUID.

        Raises:
            NotFoundError: No such case type.
        """
        document: CustomAttributeConfigsDocument = await self._call()
        return document.data

    @operation("GET", "/api/v2/users", effect="read", scope=ORGANISATION, response=UsersDocument)
    async def list_users(
        self,
        filter: str | None = None,  # Datadog's parameter name
        *,
        page_size: int = 10,
        page_number: int = 0,
    ) -> UserPage:
        """The organisation's users, one page at a time.

        Args:
            filter: Text to match against names and emails; None for all users.
            page_size: Users per page, 1 to 100.
            page_number: The page to return, counting from 0.

        Raises:
            InvalidRequestError: `page_size` is outside 1..100 (nothing is sent).
        """
        check_page_size(page_size)
        params = {"page[size]": str(page_size), "page[number]": str(page_number)}
        if filter is not None:
            params["filter"] = filter
        document: UsersDocument = await self._call(params=params)
        return document.to_page(page=page_number, page_size=page_size)

    @operation(
        "GET", "/api/v2/users/{user_id}", effect="read", scope=ORGANISATION, response=UserDocument
    )
    async def get_user(self, user_id: str) -> User:
        """One user.

        Args:
            user_id: The user's UUID.

        Raises:
            NotFoundError: No such user.
        """
        document: UserDocument = await self._call()
        return document.data
